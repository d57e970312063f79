/**
 * CPU references for the linear-regression kernels, in float64:
 *   linearForwardRef   ŷ_i = Σ_j X[order[start+i], j] · w_j + b
 *   squaredErrorRef    r_i = f·(ŷ_i - y[order[start+i]]),  loss_i = f·(ŷ_i - y)² / 2, f = 1 (half-mse) or 2 (mse)
 *   linearGradientRef  g_j = Σ_i r_i X[i, j] / B,  g_b = Σ_i r_i / B, or 0 without an intercept
 *                      (params layout, padding 0)
 */
import { linearLayout } from '../model';

export function linearForwardRef(features: ArrayLike<number>, dims: number, order: Uint32Array, start: number, size: number, params: ArrayLike<number>): Float64Array {
  const pred = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const row = order[start + i]! * dims;
    let acc = 0;
    for (let j = 0; j < dims; j++) acc += features[row + j]! * params[j]!;
    pred[i] = acc + params[dims]!;
  }
  return pred;
}

export function squaredErrorRef(pred: ArrayLike<number>, targets: ArrayLike<number>, order: Uint32Array, start: number, size: number, factor = 1): { residual: Float64Array; loss: Float64Array } {
  const residual = new Float64Array(size);
  const loss = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const r = pred[i]! - targets[order[start + i]!]!;
    residual[i] = factor * r;
    loss[i] = 0.5 * factor * r * r;
  }
  return { residual, loss };
}

export function linearGradientRef(features: ArrayLike<number>, dims: number, order: Uint32Array, start: number, size: number, residual: ArrayLike<number>, intercept = true): Float64Array {
  const grads = new Float64Array(linearLayout(dims).paddedCount);
  for (let i = 0; i < size; i++) {
    const row = order[start + i]! * dims;
    const r = residual[i]!;
    for (let j = 0; j < dims; j++) grads[j] += r * features[row + j]!;
    grads[dims] += r;
  }
  for (let j = 0; j <= dims; j++) grads[j] /= size;
  if (!intercept) grads[dims] = 0;
  return grads;
}
