/** Host side of shaders/evaluate.wgsl (CPU reference: src/reference/evaluate.ts). */
import type { Kernel } from './kernel';

export const EVALUATE_WORKGROUP_SIZE = 256;

export const evaluateKernel: Kernel = {
  name: 'evaluate',
  file: 'evaluate.wgsl',
  // batch, logits, labels, order, loss_sums, confusion
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
  constants: () => ({ WORKGROUP_SIZE: EVALUATE_WORKGROUP_SIZE }),
  workgroups: (rows) => Math.ceil(rows / EVALUATE_WORKGROUP_SIZE),
};
