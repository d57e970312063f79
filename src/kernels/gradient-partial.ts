/**
 * Host side of split-K, the gradient for large batches: shaders/gradient.wgsl with CHUNK rows per
 * chunk (its partial sums) then shaders/gradient_reduce.wgsl (CPU reference:
 * src/reference/gradient-split.ts).
 */
import type { ParamLayout } from '../model';
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;
/** chunk sizes the backend may try for the split-K gradient, chosen per plan by measurement */
export const SPLIT_CHUNKS = [64, 512] as const;
/** a chunk size is a candidate for a batch only when it cuts the batch into this many chunks */
export const SPLIT_MIN_CHUNKS = 2;
export const SPLIT_MAX_CHUNKS = 256;
const DEFAULT_CHUNK = 256;

export function splitConstants(rowWords: number, chunk: number): Record<string, number> {
  return { WORKGROUP_SIZE, ROW_WORDS: rowWords, CHUNK: chunk };
}

/** chunks of `chunk` rows in a batch of `rows` */
export function splitChunks(rows: number, chunk: number): number {
  return Math.ceil(rows / chunk);
}

/** bytes of the partials buffer for `chunks` chunks */
export function partialsBytes(chunks: number, layout: ParamLayout): number {
  return chunks * layout.paddedCount * 4;
}

/**
 * gradient.wgsl for one chunk size: the chunk decides the dispatch. With `models` > 1 (stacked
 * dlogits (B, K, C)), chunk q of model k goes to slot q·K + k of the partials.
 */
export function gradientPartialKernel(chunk: number = DEFAULT_CHUNK, models = 1): Kernel {
  return {
    name: 'gradient_partial',
    file: 'gradient.wgsl',
    // batch, images, order, dlogits, partials
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    // slot s's sums at partials[s · P/4 ..] (vec4s)
    constants: (layout) => ({ ...splitConstants(layout.rowWords, chunk), MODELS: models, STRIDE: layout.paddedCount / 4 }),
    // one thread per (chunk, model, feature word or bias)
    workgroups: (rows, layout) => Math.ceil((splitChunks(rows, chunk) * models * (layout.rowWords + 1)) / WORKGROUP_SIZE),
  };
}
