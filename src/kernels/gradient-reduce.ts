/** Host side of shaders/gradient_reduce.wgsl (CPU reference: src/reference/gradient-split.ts). */
import { type Kernel, elementwiseWorkgroups } from './kernel';
import { splitConstants } from './gradient-partial';

const WORKGROUP_SIZE = 64;

/** The kernel for one chunk size (it must match the gradient_partial that wrote the partials); `software`: the adapter is one. */
export function gradientReduceKernel(chunk: number, software: boolean): Kernel {
  return {
    name: 'gradient_reduce',
    file: 'gradient_reduce.wgsl',
    // batch, partials, grads
    bindings: ['uniform-dynamic', 'read', 'read-write'],
    constants: (layout) => splitConstants(layout.rowWords, chunk),
    // one thread per vec4 of the params layout on a GPU, a few workgroups on a software adapter
    workgroups: (_rows, layout) => elementwiseWorkgroups(layout.paddedCount / 4, WORKGROUP_SIZE, software),
  };
}
