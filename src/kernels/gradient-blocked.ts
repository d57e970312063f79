/**
 * Host side of the register-blocked gradient, a software adapter's split of the gradient:
 * shaders/gradient_blocked.wgsl (PHASES partial sums, each thread a block of BLOCK_WORDS feature
 * words x 10 classes) then shaders/gradient_reduce.wgsl with SLOTS = PHASES (CPU reference:
 * src/reference/gradient-split.ts, gradientPhasesRef). One model (K = 1).
 */
import { CLASSES, type ParamLayout } from '../model';
import type { Kernel } from './kernel';

/** workgroups of 16: SwiftShader spreads work over the cores by workgroup */
const WORKGROUP_SIZE = 16;
/** feature words per thread (measured on SwiftShader: 7 beat 2, 4, 14 and 28) */
export const BLOCK_WORDS = 7;
/** row phases: partial sums, each over every PHASES-th row of the batch */
export const PHASES = 32;

/** bytes of the partials buffer */
export function phasePartialsBytes(layout: ParamLayout): number {
  return PHASES * layout.paddedCount * 4;
}

export const gradientBlockedKernel: Kernel = {
  name: 'gradient_blocked',
  file: 'gradient_blocked.wgsl',
  repeat: { w: BLOCK_WORDS, c: CLASSES },
  // batch, images, order, dlogits, partials
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE, ROW_WORDS: layout.rowWords, PHASES }),
  // one thread per (phase, block of words)
  workgroups: (_rows, layout) => Math.ceil((Math.ceil(layout.rowWords / BLOCK_WORDS) * PHASES) / WORKGROUP_SIZE),
};

/** gradient_reduce.wgsl over the PHASES slots (its CHUNK is unused then) */
export const phaseReduceKernel: Kernel = {
  name: 'gradient_reduce/phases',
  file: 'gradient_reduce.wgsl',
  // batch, partials, grads
  bindings: ['uniform-dynamic', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE: 64, ROW_WORDS: layout.rowWords, SLOTS: PHASES }),
  // one thread per vec4 of the params layout
  workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / 4 / 64),
};
