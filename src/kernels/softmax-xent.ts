/** Host side of shaders/softmax_xent.wgsl (CPU reference: src/reference/softmax-xent.ts). */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

export const softmaxXentKernel: Kernel = {
  name: 'softmax_xent',
  file: 'softmax_xent.wgsl',
  // batch, logits, labels, order, loss, dlogits
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
  constants: () => ({ WORKGROUP_SIZE }),
  workgroups: (rows) => Math.ceil(rows / WORKGROUP_SIZE),
};
