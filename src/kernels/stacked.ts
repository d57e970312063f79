/**
 * Host side of the stacked kernels (a sweep: K models advanced by each dispatch):
 * stacked_forward.wgsl, stacked_softmax_xent.wgsl, stacked_gradient.wgsl, stacked_update.wgsl.
 * CPU references: src/reference/stacked.ts (K copies of the single-model references).
 */
import type { ParamLayout } from '../model';
import type { Optimizer, OptimizerKind } from '../optim/optimizer';
import { BATCH_UNIFORM_BYTES, type Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

/** f32 per model in stacked buffers: the model rounded up to 256 bytes, so one can be bound alone. */
export function modelStride(layout: ParamLayout): number {
  return Math.ceil(layout.paddedCount / 64) * 64;
}

export const OPTIMIZER_CODES: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, nesterov: 2, adam: 3 };

export function stackedForwardKernel(models: number): Kernel {
  return {
    name: 'stacked_forward', file: 'stacked_forward.wgsl',
    // batch, images, order, params, logits
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, MODELS: models, STRIDE: modelStride(layout) / 4 }),
    workgroups: (rows) => Math.ceil((rows * models) / WORKGROUP_SIZE),
  };
}

export function stackedSoftmaxXentKernel(models: number, rows: number): Kernel {
  return {
    name: 'stacked_softmax_xent', file: 'stacked_softmax_xent.wgsl',
    // batch, logits, labels, order, loss, dlogits
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
    constants: () => ({ WORKGROUP_SIZE, MODELS: models, ROWS: rows }),
    workgroups: (batch) => Math.ceil((batch * models) / WORKGROUP_SIZE),
  };
}

export function stackedGradientKernel(models: number): Kernel {
  return {
    name: 'stacked_gradient', file: 'stacked_gradient.wgsl',
    // batch, images, order, dlogits, grads
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, MODELS: models, STRIDE: modelStride(layout) / 4 }),
    workgroups: (_rows, layout) => Math.ceil((models * (layout.rowWords + 1)) / WORKGROUP_SIZE),
  };
}

/** One update kernel for every model; μ, β1, β2 and ε are shared by the sweep. */
export function stackedUpdateKernel(models: number, o: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>): Kernel {
  return {
    name: 'stacked_update', file: 'stacked_update.wgsl',
    // batch (for its index), rates, models, grads, s1, s2, params
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write', 'read-write'],
    uniformBytes: BATCH_UNIFORM_BYTES,
    constants: (layout) => ({
      WORKGROUP_SIZE, MODELS: models, STRIDE: modelStride(layout), MOMENTUM: o.momentum, BETA1: o.beta1, BETA2: o.beta2,
      ONE_MINUS_BETA1: 1 - o.beta1, ONE_MINUS_BETA2: 1 - o.beta2, EPSILON: o.epsilon,
    }),
    workgroups: (_rows, layout) => Math.ceil((models * modelStride(layout)) / WORKGROUP_SIZE),
  };
}
