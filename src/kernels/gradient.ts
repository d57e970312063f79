/** Host side of shaders/gradient.wgsl (CPU reference: src/reference/gradient.ts). */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

export const gradientKernel: Kernel = {
  name: 'gradient',
  file: 'gradient.wgsl',
  // batch, images, order, dlogits, grads
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords }),
  // one thread per packed feature word, plus one for the bias; independent of the batch size
  workgroups: (_rows, layout) => Math.ceil((layout.rowWords + 1) / WORKGROUP_SIZE),
};
