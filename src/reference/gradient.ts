/**
 * CPU reference for shaders/gradient.wgsl: the batch-mean gradient in the params layout.
 *   dW (C, D) = dlogitsᵀ · X / B,  db (C) = Σ_i dlogits[i] / B
 * images (N, D) bytes / 255 through order[start + i]; dlogits (B, C). Float64 throughout.
 */
import { CLASSES, paramLayout } from '../model';

/** Σ_i dlogits[i]ᵀ·[x_i 1] over batch rows [from, to), in the params layout, not divided. */
export function gradientSumRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  from: number,
  to: number,
  dlogits: ArrayLike<number>,
): Float64Array {
  const layout = paramLayout(features);
  const sums = new Float64Array(layout.paddedCount);
  for (let i = from; i < to; i++) {
    const row = order[start + i] * features;
    for (let c = 0; c < CLASSES; c++) {
      const g = dlogits[i * CLASSES + c];
      if (g === 0) continue;
      const w = c * features;
      for (let p = 0; p < features; p++) sums[w + p] += (g * images[row + p]) / 255;
      sums[layout.biasOffset + c] += g;
    }
  }
  return sums;
}

export function gradientRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  size: number,
  dlogits: ArrayLike<number>,
): Float64Array {
  const grads = gradientSumRef(images, features, order, start, 0, size, dlogits);
  for (let p = 0; p < grads.length; p++) grads[p] /= size;
  return grads;
}
