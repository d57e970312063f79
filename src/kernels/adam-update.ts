/** Host side of shaders/adam_update.wgsl (CPU reference: src/reference/adam-update.ts). */
import type { Optimizer } from '../optim/optimizer';
import { BATCH_UNIFORM_BYTES, type Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

/** The kernel for one (β1, β2, ε), compiled in as constants. */
export function adamUpdateKernel(o: Pick<Optimizer, 'beta1' | 'beta2' | 'epsilon'>): Kernel {
  return {
    name: 'adam_update',
    file: 'adam_update.wgsl',
    // batch (for its index), rates, grads, m, v, params
    bindings: ['uniform-dynamic', 'read', 'read', 'read-write', 'read-write', 'read-write'],
    uniformBytes: BATCH_UNIFORM_BYTES,
    constants: () => ({ WORKGROUP_SIZE, BETA1: o.beta1, BETA2: o.beta2, ONE_MINUS_BETA1: 1 - o.beta1, ONE_MINUS_BETA2: 1 - o.beta2, EPSILON: o.epsilon }),
    workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / WORKGROUP_SIZE),
  };
}
