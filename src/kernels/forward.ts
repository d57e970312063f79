/** Host side of shaders/forward.wgsl (CPU references: src/reference/forward.ts, stacked.ts). */
import { type Kernel, modelStride } from './kernel';

const WORKGROUP_SIZE = 64;

/** The kernel for `models` models stacked at modelStride (a sweep); 1 is a single run. */
export function stackedForwardKernel(models: number): Kernel {
  return {
    name: 'forward',
    file: 'forward.wgsl',
    // batch, images, order, params, logits
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, MODELS: models, STRIDE: modelStride(layout) / 4 }),
    // one thread per (example, model)
    workgroups: (rows) => Math.ceil((rows * models) / WORKGROUP_SIZE),
  };
}

export const forwardKernel = stackedForwardKernel(1);
