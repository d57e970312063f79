/**
 * CPU reference for shaders/softmax_xent.wgsl, per example i of a batch:
 *   loss[i] = log Σ_c exp(z_c - m) - (z_y - m), m = max_c z_c   (max subtracted for stability)
 *   dlogits[i, c] = softmax(z)_c - [c == y]                      (not divided by B here)
 * logits (B, C); labels (N) indexed through order[start + i]. (The kernel stores loss[i] at
 * position start + i of an epoch-long buffer.)
 */
import { CLASSES } from '../model';

export function softmaxXentRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  order: Uint32Array,
  start: number,
  size: number,
): { loss: Float64Array; dlogits: Float64Array } {
  const loss = new Float64Array(size);
  const dlogits = new Float64Array(size * CLASSES);
  for (let i = 0; i < size; i++) {
    const row = i * CLASSES;
    let m = logits[row];
    for (let c = 1; c < CLASSES; c++) m = Math.max(m, logits[row + c]);
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += Math.exp(logits[row + c] - m);
    const y = labels[order[start + i]];
    loss[i] = Math.log(sum) - (logits[row + y] - m);
    for (let c = 0; c < CLASSES; c++) {
      dlogits[row + c] = Math.exp(logits[row + c] - m) / sum - (c === y ? 1 : 0);
    }
  }
  return { loss, dlogits };
}
