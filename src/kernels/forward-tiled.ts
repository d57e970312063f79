/**
 * Host side of shaders/forward_tiled.wgsl, R rows per thread (CPU reference:
 * src/reference/forward.ts; its logits are forward.wgsl's, bit for bit, on SwiftShader). A
 * software adapter's kernel: forwardFor chooses it there, by the batch's size, and keeps
 * forward.wgsl on hardware.
 */
import { stackedForwardKernel } from './forward';
import { type Kernel, modelStride } from './kernel';

/** workgroups of 16: SwiftShader spreads work over the cores by workgroup */
const WORKGROUP_SIZE = 16;
/**
 * rows per thread: the benchmark measures both; the engine runs 8, which beat 4 at 100, 1000 and
 * 60000 rows on SwiftShader (400 / 5607 / 209435 µs against 555 / 6475 / 314145)
 */
export const FORWARD_TILES = [4, 8] as const;
const ENGINE_TILE = 8;
/** batches of fewer rows keep forward.wgsl: too few threads to fill a tile and the cores */
export const TILED_MIN_ROWS = 32;

/** The kernel with `rows` rows per thread for `models` models stacked at modelStride. */
export function tiledForwardKernel(rows: number, models = 1): Kernel {
  return {
    name: `forward_tiled/${rows}`,
    file: 'forward_tiled.wgsl',
    repeat: { r: rows },
    // batch, images, order, params, logits
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, MODELS: models, STRIDE: modelStride(layout) / 4 }),
    // one thread per (tile of `rows` examples, model)
    workgroups: (batch) => Math.ceil((Math.ceil(batch / rows) * models) / WORKGROUP_SIZE),
  };
}

/**
 * The forward kernel for batches of up to `rows` rows: with `tiled` (a software adapter) the
 * tiled one from TILED_MIN_ROWS rows, else forward.wgsl. Every choice gives the same logits on
 * SwiftShader, so it needs no rule for rounding.
 */
export function forwardFor(models: number, rows: number, tiled: boolean): Kernel {
  return tiled && rows >= TILED_MIN_ROWS ? tiledForwardKernel(ENGINE_TILE, models) : stackedForwardKernel(models);
}
