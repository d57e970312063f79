/** Host side of shaders/gradient_reduce.wgsl (CPU reference: src/reference/gradient-split.ts). */
import type { Kernel } from './kernel';
import { splitConstants } from './gradient-partial';

const WORKGROUP_SIZE = 64;

/** The kernel for one chunk size (it must match the gradient_partial that wrote the partials). */
export function gradientReduceKernel(chunk: number): Kernel {
  return {
    name: 'gradient_reduce',
    file: 'gradient_reduce.wgsl',
    // batch, partials, grads
    bindings: ['uniform-dynamic', 'read', 'read-write'],
    constants: (layout) => splitConstants(layout.rowWords, chunk),
    // one thread per vec4 of the params layout
    workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / 4 / WORKGROUP_SIZE),
  };
}
