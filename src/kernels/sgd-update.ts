/** Host side of shaders/sgd_update.wgsl (CPU reference: src/reference/sgd-update.ts). */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

export const sgdUpdateKernel: Kernel = {
  name: 'sgd_update',
  file: 'sgd_update.wgsl',
  // batch (for lr), grads, params
  bindings: ['uniform-dynamic', 'read', 'read-write'],
  constants: () => ({ WORKGROUP_SIZE }),
  workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / WORKGROUP_SIZE),
};
