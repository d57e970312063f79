/**
 * Host side of shaders/gradient.wgsl as the whole batch's gradient (CHUNK = 0; CPU references:
 * src/reference/gradient.ts, stacked.ts). Its split-K use: gradient-partial.ts.
 */
import { type Kernel, modelStride } from './kernel';

const WORKGROUP_SIZE = 64;

/** The kernel for `models` models stacked at modelStride (a sweep); 1 is a single run. */
export function stackedGradientKernel(models: number): Kernel {
  return {
    name: 'gradient',
    file: 'gradient.wgsl',
    // batch, images, order, dlogits, grads
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, MODELS: models, STRIDE: modelStride(layout) / 4, CHUNK: 0 }),
    // one thread per (model, packed feature word or bias); independent of the batch size
    workgroups: (_rows, layout) => Math.ceil((models * (layout.rowWords + 1)) / WORKGROUP_SIZE),
  };
}

export const gradientKernel = stackedGradientKernel(1);
