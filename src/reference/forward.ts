/**
 * CPU reference for shaders/forward.wgsl: logits = X·Wᵀ + b for one batch.
 * images (N, D) bytes read as byte / 255; order (N); params W (C, D) then b (C); returns (B, C).
 * Accumulates in float64: it is the spec the f32 GPU kernel is checked against.
 */
import { CLASSES, paramLayout } from '../model';

export function forwardRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  size: number,
  params: ArrayLike<number>,
): Float64Array {
  const { biasOffset } = paramLayout(features);
  const logits = new Float64Array(size * CLASSES);
  const x = new Float64Array(features);
  for (let i = 0; i < size; i++) {
    const row = order[start + i] * features;
    for (let p = 0; p < features; p++) x[p] = images[row + p] / 255;
    for (let c = 0; c < CLASSES; c++) {
      let sum = 0;
      const w = c * features;
      for (let p = 0; p < features; p++) sum += x[p] * params[w + p];
      logits[i * CLASSES + c] = sum + params[biasOffset + c];
    }
  }
  return logits;
}
