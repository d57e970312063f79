/**
 * CPU reference for shaders/gradient.wgsl: the batch-mean gradient in the params layout.
 *   dW (C, D) = dlogitsᵀ · X / B,  db (C) = Σ_i dlogits[i] / B
 * images (N, D) bytes / 255 through order[start + i]; dlogits (B, C). Float64 throughout.
 */
import { CLASSES, paramLayout } from '../model';

export function gradientRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  size: number,
  dlogits: ArrayLike<number>,
): Float64Array {
  const layout = paramLayout(features);
  const grads = new Float64Array(layout.paddedCount);
  for (let i = 0; i < size; i++) {
    const row = order[start + i] * features;
    for (let c = 0; c < CLASSES; c++) {
      const g = dlogits[i * CLASSES + c];
      if (g === 0) continue;
      const w = c * features;
      for (let p = 0; p < features; p++) grads[w + p] += (g * images[row + p]) / 255;
      grads[layout.biasOffset + c] += g;
    }
  }
  for (let p = 0; p < layout.count; p++) grads[p] /= size;
  return grads;
}
