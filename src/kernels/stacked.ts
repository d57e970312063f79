/** Host side of shaders/stacked_update.wgsl (CPU reference: src/reference/stacked.ts). */
import type { Optimizer, OptimizerKind } from '../optim/optimizer';
import { BATCH_UNIFORM_BYTES, type Kernel, modelStride } from './kernel';

const WORKGROUP_SIZE = 64;

export const OPTIMIZER_CODES: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, nesterov: 2, adam: 3 };

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
