import { CLASSES } from '../model';
import type { Evaluation } from './backend';

/** Mean loss and accuracy from a loss sum and a confusion matrix ([true][predicted]). */
export function summarizeEvaluation(count: number, lossSum: number, confusion: Uint32Array): Evaluation {
  let correct = 0;
  for (let c = 0; c < CLASSES; c++) correct += confusion[c * CLASSES + c]!;
  return { count, loss: lossSum / count, accuracy: correct / count, confusion };
}
