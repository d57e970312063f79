/**
 * CPU reference for shaders/evaluate.wgsl: summed cross-entropy loss and the confusion matrix
 * ([true][predicted], C×C) of a batch of logits (B, C). Prediction is the argmax, ties to the
 * lower class index. The GPU returns per-workgroup loss sums; their total is this lossSum.
 */
import { CLASSES } from '../model';

export function evaluateRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  order: Uint32Array,
  start: number,
  size: number,
): { lossSum: number; confusion: Uint32Array } {
  const confusion = new Uint32Array(CLASSES * CLASSES);
  let lossSum = 0;
  for (let i = 0; i < size; i++) {
    const row = i * CLASSES;
    let m = logits[row];
    let predicted = 0;
    for (let c = 1; c < CLASSES; c++) {
      if (logits[row + c] > m) {
        m = logits[row + c];
        predicted = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += Math.exp(logits[row + c] - m);
    const y = labels[order[start + i]];
    lossSum += Math.log(sum) - (logits[row + y] - m);
    confusion[y * CLASSES + predicted]++;
  }
  return { lossSum, confusion };
}
