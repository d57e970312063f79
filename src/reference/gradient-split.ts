/**
 * CPU references for the split-K gradient (shaders/gradient.wgsl with CHUNK > 0, gradient_reduce.wgsl):
 * the batch is cut into chunks of `chunk` rows, each chunk's gradient sum is computed apart, and
 * the sums are added and divided by B. Together they equal gradientRef.
 */
import { paramLayout } from '../model';
import { gradientSumRef } from './gradient';

/** (Q, P) chunk sums, Q = ceil(size / chunk), flattened chunk after chunk. */
export function gradientPartialRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  size: number,
  dlogits: ArrayLike<number>,
  chunk: number,
): Float64Array {
  const p = paramLayout(features).paddedCount;
  const chunks = Math.ceil(size / chunk);
  const partials = new Float64Array(chunks * p);
  for (let q = 0; q < chunks; q++) {
    partials.set(gradientSumRef(images, features, order, start, q * chunk, Math.min(size, (q + 1) * chunk), dlogits), q * p);
  }
  return partials;
}

/** grads = Σ_q partials[q] / size, for the `chunks` first chunks of length `paddedCount`. */
export function gradientReduceRef(partials: ArrayLike<number>, chunks: number, paddedCount: number, size: number): Float64Array {
  const grads = new Float64Array(paddedCount);
  for (let q = 0; q < chunks; q++) {
    for (let j = 0; j < paddedCount; j++) grads[j] += partials[q * paddedCount + j];
  }
  for (let j = 0; j < paddedCount; j++) grads[j] /= size;
  return grads;
}

/**
 * (PHASES, P) phase sums of the register-blocked gradient (shaders/gradient_blocked.wgsl): slot
 * p sums batch rows p, p + phases, .. (a phase with no rows is 0). gradientReduceRef over the
 * `phases` slots then gives gradientRef.
 */
export function gradientPhasesRef(
  images: Uint8Array,
  features: number,
  order: Uint32Array,
  start: number,
  size: number,
  dlogits: ArrayLike<number>,
  phases: number,
): Float64Array {
  const p = paramLayout(features).paddedCount;
  const partials = new Float64Array(phases * p);
  for (let i = 0; i < size; i++) {
    const one = gradientSumRef(images, features, order, start, i, i + 1, dlogits);
    const slot = (i % phases) * p;
    for (let j = 0; j < p; j++) partials[slot + j] += one[j]!;
  }
  return partials;
}
