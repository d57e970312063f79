/**
 * Evaluation of linear regression from predictions, in float64: loss = mean of (ŷ - y)² / 2 (the
 * training objective) and R² = 1 - Σ(ŷ - y)² / Σ(y - ȳ)², reported in the accuracy slot (1 is a
 * perfect fit). No confusion matrix. Targets may be standardised: `lossScale` (sd², times 2 for
 * mse) turns the loss back into the target's units and the loss trained; R² does not change with
 * the target's scale.
 */
import type { Evaluation } from './backend';

export function regressionEvaluation(pred: ArrayLike<number>, targets: ArrayLike<number>, count: number, lossScale: number): Evaluation {
  let mean = 0;
  for (let i = 0; i < count; i++) mean += targets[i]! / count;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < count; i++) {
    sse += (pred[i]! - targets[i]!) ** 2;
    sst += (targets[i]! - mean) ** 2;
  }
  // R² is undefined where the targets do not vary (one row, or a constant column): NaN, said so by the reports
  return { count, loss: (sse / 2 / count) * lossScale, accuracy: sst > 0 ? 1 - sse / sst : NaN, confusion: new Uint32Array(0) };
}
