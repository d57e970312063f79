/** Host side of shaders/momentum_update.wgsl (CPU reference: src/reference/momentum-update.ts). */
import { BATCH_UNIFORM_BYTES, type Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

/** The kernel for one momentum μ, heavy-ball or Nesterov (both are compiled in as constants). */
export function momentumUpdateKernel(momentum: number, nesterov: boolean): Kernel {
  return {
    name: nesterov ? 'nesterov_update' : 'momentum_update',
    file: 'momentum_update.wgsl',
    // batch (for its index), rates, grads, velocity, params
    bindings: ['uniform-dynamic', 'read', 'read', 'read-write', 'read-write'],
    uniformBytes: BATCH_UNIFORM_BYTES,
    constants: () => ({ WORKGROUP_SIZE, MOMENTUM: momentum, NESTEROV: nesterov ? 1 : 0 }),
    workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / WORKGROUP_SIZE),
  };
}
