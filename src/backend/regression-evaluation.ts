/**
 * Evaluation of linear regression from predictions, in float64: loss = mean of (ŷ - y)² / 2 (the
 * training objective) and R² = 1 - Σ(ŷ - y)² / Σ(y - ȳ)², reported in the accuracy slot (1 is a
 * perfect fit). No confusion matrix. Targets may be standardised: `lossScale` (sd², times 2 for
 * mse) turns the loss back into the target's units and the loss trained; R² does not change with
 * the target's scale.
 */
import type { ColumnScale } from '../data/regression';
import type { Evaluation } from './backend';

/**
 * Targets whose spread in the data's units is below this share of their magnitude do not vary:
 * float64 rounding, not data (float32 targets that differ do so by at least 6e-8 of their size).
 */
const CONSTANT_TOLERANCE = 1e-9;

/** `scale`: how the targets were standardised (t = (y − mean) / sd), so that R² is decided in the data's units. */
export function regressionEvaluation(pred: ArrayLike<number>, targets: ArrayLike<number>, count: number, lossScale: number, scale: ColumnScale): Evaluation {
  // the mean as an offset from the first target: exact for targets that are all equal
  const first = count > 0 ? targets[0]! : 0;
  let offset = 0;
  for (let i = 0; i < count; i++) offset += targets[i]! - first;
  const mean = first + offset / count;
  let sse = 0;
  let sst = 0;
  let magnitude = 0;
  for (let i = 0; i < count; i++) {
    sse += (pred[i]! - targets[i]!) ** 2;
    sst += (targets[i]! - mean) ** 2;
    magnitude = Math.max(magnitude, Math.abs(targets[i]! * scale.sd + scale.mean));
  }
  // R² is undefined where the targets do not vary (one row, or a constant column): NaN, said so by the reports
  const varies = Math.sqrt(sst / count) * scale.sd > CONSTANT_TOLERANCE * magnitude;
  return { count, loss: (sse / 2 / count) * lossScale, accuracy: varies ? 1 - sse / sst : NaN, confusion: new Uint32Array(0) };
}
