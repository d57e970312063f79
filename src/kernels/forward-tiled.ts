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
 * rows per thread the engine runs, by the batch (SwiftShader, the kernel alone, µs: 1 row:
 * forward.wgsl 70, tile 4 90, tile 8 132; 10 rows: 174, 86, 121; 32 rows: 440, 166, 131; 100:
 * 1363, 551, 443; 60000: 646607, 280295, 167133; bench/results/kernels-swiftshader.md)
 */
export const FORWARD_TILES = [4, 8] as const;
/** batches of fewer rows keep forward.wgsl: a tile's thread would do alone what 4 lanes share */
export const TILED_MIN_ROWS = 8;
/** from this batch on, tiles of 8 rows; below, 4 */
const LARGE_TILE_ROWS = 32;

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
 * tiled one from TILED_MIN_ROWS rows (4 rows per thread, 8 from LARGE_TILE_ROWS), else
 * forward.wgsl. Every choice gives the same logits on SwiftShader, so it needs no rule for rounding.
 */
export function forwardFor(models: number, rows: number, tiled: boolean): Kernel {
  if (!tiled || rows < TILED_MIN_ROWS) return stackedForwardKernel(models);
  return tiledForwardKernel(rows < LARGE_TILE_ROWS ? FORWARD_TILES[0] : FORWARD_TILES[1], models);
}
