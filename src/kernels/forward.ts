/** Host side of shaders/forward.wgsl (CPU reference: src/reference/forward.ts). */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

export const forwardKernel: Kernel = {
  name: 'forward',
  file: 'forward.wgsl',
  // batch, images, order, params, logits
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords }),
  workgroups: (rows) => Math.ceil(rows / WORKGROUP_SIZE),
};
