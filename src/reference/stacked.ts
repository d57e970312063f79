/**
 * CPU references for the kernels run with K models (MODELS = K: a sweep of the classifier, or K
 * regression configurations): each is K independent copies of its single-model reference, which
 * is the whole point of stacking (model k trains exactly as it would alone). Stacked layouts:
 * params and grads model after model at a stride of S floats; logits and dlogits (B, K, C),
 * predictions and residuals (B, K); losses (K, N).
 */
import { CLASSES } from '../model';
import type { Optimizer, OptimizerKind } from '../optim/optimizer';
import { forwardRef } from './forward';
import { gradientRef } from './gradient';
import { linearForwardRef, linearGradientRef, squaredErrorRef } from './linear-regression';
import { softmaxXentRef } from './softmax-xent';
import { type UpdateRate, updateRef } from './update';

/** (B, K, C) logits of K models whose parameters sit at `stride` floats from each other. */
export function stackedForwardRef(images: Uint8Array, features: number, order: Uint32Array, start: number, size: number, params: Float32Array, models: number, stride: number, paddedCount: number): Float64Array {
  const out = new Float64Array(size * models * CLASSES);
  for (let k = 0; k < models; k++) {
    const logits = forwardRef(images, features, order, start, size, params.subarray(k * stride, k * stride + paddedCount));
    for (let i = 0; i < size; i++) out.set(logits.subarray(i * CLASSES, (i + 1) * CLASSES), (i * models + k) * CLASSES);
  }
  return out;
}

/** Losses (K, rows) at positions start.. and dlogits (B, K, C) from (B, K, C) logits. */
export function stackedSoftmaxXentRef(logits: ArrayLike<number>, labels: ArrayLike<number>, order: Uint32Array, start: number, size: number, models: number, rows: number): { loss: Float64Array; dlogits: Float64Array } {
  const loss = new Float64Array(models * rows);
  const dlogits = new Float64Array(size * models * CLASSES);
  for (let k = 0; k < models; k++) {
    const mine = Float64Array.from({ length: size * CLASSES }, (_, j) => logits[(Math.floor(j / CLASSES) * models + k) * CLASSES + (j % CLASSES)]!);
    const r = softmaxXentRef(mine, labels, order, start, size);
    loss.set(r.loss, k * rows + start);
    for (let i = 0; i < size; i++) dlogits.set(r.dlogits.subarray(i * CLASSES, (i + 1) * CLASSES), (i * models + k) * CLASSES);
  }
  return { loss, dlogits };
}

/** K gradients at `stride` floats from each other, from (B, K, C) dlogits. */
export function stackedGradientRef(images: Uint8Array, features: number, order: Uint32Array, start: number, size: number, dlogits: ArrayLike<number>, models: number, stride: number): Float64Array {
  const out = new Float64Array(models * stride);
  for (let k = 0; k < models; k++) {
    const mine = Float64Array.from({ length: size * CLASSES }, (_, j) => dlogits[(Math.floor(j / CLASSES) * models + k) * CLASSES + (j % CLASSES)]!);
    out.set(gradientRef(images, features, order, start, size, mine), k * stride);
  }
  return out;
}

/**
 * One update of K models at `stride` floats from each other (update.wgsl with K models): model k
 * is updateRef on its slices with its rule and its row of the rate table, rates[k].
 */
export function stackedUpdateRef(
  kinds: readonly OptimizerKind[],
  o: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>,
  stride: number,
  params: Float32Array,
  s1: Float32Array,
  s2: Float32Array,
  grads: Float32Array,
  rates: readonly UpdateRate[],
): void {
  kinds.forEach((kind, k) => {
    const span = (a: Float32Array) => a.subarray(k * stride, (k + 1) * stride);
    updateRef({ ...o, kind }, span(params), span(s1), span(s2), span(grads), rates[k]!);
  });
}

/** Linear regression, (B, K) predictions of K models at `stride` floats from each other. */
export function stackedLinearForwardRef(features: ArrayLike<number>, dims: number, order: Uint32Array, start: number, size: number, params: Float32Array, models: number, stride: number): Float64Array {
  const out = new Float64Array(size * models);
  for (let k = 0; k < models; k++) {
    const pred = linearForwardRef(features, dims, order, start, size, params.subarray(k * stride, (k + 1) * stride));
    pred.forEach((p, i) => (out[i * models + k] = p));
  }
  return out;
}

/** Linear regression, residuals (B, K) and losses (K, rows) at positions start.. from (B, K) predictions. */
export function stackedSquaredErrorRef(pred: ArrayLike<number>, targets: ArrayLike<number>, order: Uint32Array, start: number, size: number, models: number, rows: number, factor = 1): { residual: Float64Array; loss: Float64Array } {
  const residual = new Float64Array(size * models);
  const loss = new Float64Array(models * rows);
  for (let k = 0; k < models; k++) {
    const mine = Float64Array.from({ length: size }, (_, i) => pred[i * models + k]!);
    const r = squaredErrorRef(mine, targets, order, start, size, factor);
    r.residual.forEach((x, i) => (residual[i * models + k] = x));
    loss.set(r.loss, k * rows + start);
  }
  return { residual, loss };
}

/** Linear regression, K gradients at `stride` floats from each other (padding 0), from (B, K) residuals. */
export function stackedLinearGradientRef(features: ArrayLike<number>, dims: number, order: Uint32Array, start: number, size: number, residual: ArrayLike<number>, models: number, stride: number, intercept = true): Float64Array {
  const out = new Float64Array(models * stride);
  for (let k = 0; k < models; k++) {
    const mine = Float64Array.from({ length: size }, (_, i) => residual[i * models + k]!);
    out.set(linearGradientRef(features, dims, order, start, size, mine, intercept), k * stride);
  }
  return out;
}
