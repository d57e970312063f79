/**
 * Host side of the register-blocked gradient, a software adapter's split of the gradient:
 * shaders/gradient_blocked.wgsl (PHASES partial sums, each thread a block of BLOCK_WORDS feature
 * words x 10 classes) then shaders/gradient_reduce.wgsl with SLOTS = PHASES (CPU reference:
 * src/reference/gradient-split.ts, gradientPhasesRef). One model (K = 1). The kernels take any
 * phase count (tests try several); the engine runs PHASES.
 */
import { CLASSES, type ParamLayout } from '../model';
import { type Kernel, elementwiseWorkgroups } from './kernel';

/** workgroups of 16: SwiftShader spreads work over the cores by workgroup */
const WORKGROUP_SIZE = 16;
/** feature words per thread (measured on SwiftShader: 7 beat 2, 4, 14 and 28) */
export const BLOCK_WORDS = 7;
/**
 * Rows per loop pass, the choices: each accumulator takes R rows' multiply-adds between its loads
 * and stores (70 vec4 accumulators spill on a CPU), added one after another, so every choice gives
 * the same bits. Which is fastest depends on the host CPU under a software adapter (SwiftShader,
 * kernel alone, 4 phases, alternating in one process, µs at 1000 / 60000 rows): AMD EPYC 1 row
 * 4974 / 324840, 4 rows 3729 / 246341; Intel Xeon 1 row 4216 / 258645, 4 rows 5552 / 341616. So the
 * engine measures them once per device (src/backend/kernel-tuner.ts) instead of fixing one.
 */
export const ROWS_PER_PASS_CHOICES = [1, 4] as const;
/**
 * Row phases the engine uses: each phase's partial sum is over every PHASES-th row of the batch.
 * Measured on SwiftShader (kernel alone, µs at 100 / 1000 / 4096 / 60000 rows): 4 phases 561 /
 * 4467 / 14015 / 279294, 8: 739 / 4539 / 18660 / 277343, 32: 1439 / 5555 / 23666 / 261233; each
 * thread's fixed cost (70 vec4 written) and the reduction's grow with the phases, and 4 phases
 * are 7 workgroups: both cores busy. One count for every batch: one rounding.
 */
export const PHASES = 4;

/** bytes of the partials buffer */
export function phasePartialsBytes(phases: number, layout: ParamLayout): number {
  return phases * layout.paddedCount * 4;
}

/** `rowsPerPass`: one of ROWS_PER_PASS_CHOICES (the same bits for each) */
export function gradientBlockedKernel(phases: number, rowsPerPass: number): Kernel {
  return {
    name: `gradient_blocked/${phases}/r${rowsPerPass}`,
    file: 'gradient_blocked.wgsl',
    repeat: { w: BLOCK_WORDS, c: CLASSES, r: rowsPerPass },
    // batch, images, order, dlogits, partials
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, PHASES: phases }),
    // one thread per (phase, block of words)
    workgroups: (_rows, layout) => Math.ceil((Math.ceil(layout.rowWords / BLOCK_WORDS) * phases) / WORKGROUP_SIZE),
  };
}

/** gradient_reduce.wgsl over `phases` slots (its CHUNK is unused then); `software`: the adapter is one */
export function phaseReduceKernel(phases: number, software: boolean): Kernel {
  return {
    name: `gradient_reduce/phases/${phases}`,
    file: 'gradient_reduce.wgsl',
    // batch, partials, grads
    bindings: ['uniform-dynamic', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE: 64, ROW_WORDS: layout.rowWords, SLOTS: phases }),
    // one thread per vec4 of the params layout on a GPU, a few workgroups on a software adapter
    workgroups: (_rows, layout) => elementwiseWorkgroups(layout.paddedCount / 4, 64, software),
  };
}
