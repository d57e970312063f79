/** Host side of shaders/sgd_update.wgsl (CPU reference: src/reference/sgd-update.ts). */
import { BATCH_UNIFORM_BYTES, type Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

export const sgdUpdateKernel: Kernel = {
  name: 'sgd_update',
  file: 'sgd_update.wgsl',
  // batch (for its index), rates, grads, params
  bindings: ['uniform-dynamic', 'read', 'read', 'read-write'],
  uniformBytes: BATCH_UNIFORM_BYTES,
  constants: () => ({ WORKGROUP_SIZE }),
  workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / WORKGROUP_SIZE),
};
