/**
 * Host side of shaders/sgd_fused.wgsl: many small-batch SGD steps in one single-workgroup
 * dispatch. Its spec is the four-kernel step (src/reference/*, composed in CpuBackend).
 */
import { CLASSES } from '../model';
import type { Kernel } from './kernel';

export const FUSED_MAX_BATCH = 16;
/** workgroup sizes the backend tries, per adapter, by measurement */
export const FUSED_WORKGROUP_SIZES = [32, 64, 256] as const;
/** steps per dispatch: bounds one dispatch's running time (GPU watchdogs) */
export const FUSED_STEPS_PER_DISPATCH = 2048;
export const FUSED_UNIFORM_BYTES = 16;

export const sgdFusedKernel: Kernel = {
  name: 'sgd_fused',
  file: 'sgd_fused.wgsl',
  // run (first, count, batch, rows), images, labels, order, params, loss, rates
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write', 'read'],
  uniformBytes: FUSED_UNIFORM_BYTES,
  // the backend compiles one pipeline per FUSED_WORKGROUP_SIZES entry; this is the default
  constants: (layout) => fusedConstants(layout.rowWords, 64),
  workgroups: () => 1,
};

export function writeFusedUniform(view: DataView, offsetBytes: number, r: { first: number; count: number; batch: number; rows: number }): void {
  view.setUint32(offsetBytes, r.first, true);
  view.setUint32(offsetBytes + 4, r.count, true);
  view.setUint32(offsetBytes + 8, r.batch, true);
  view.setUint32(offsetBytes + 12, r.rows, true);
}

/** Workgroups of at least this many threads are the GPU-shaped variant: each logit's dot product is split over the idle threads. */
export const FUSED_SPLIT_FROM = 256;

/**
 * The fused step's overrides for batches of `batch`: LOGIT_THREADS, the threads that share one
 * logit's dot product, is 1 below FUSED_SPLIT_FROM threads (the SwiftShader winners: one thread
 * per logit, forward.wgsl's arithmetic exactly) and ⌊threads / (batch·C)⌋ from it, so that at
 * batch 1 all 250 of 256 threads work instead of 10.
 */
export function fusedConstants(rowWords: number, workgroupSize: number, batch = FUSED_MAX_BATCH): Record<string, number> {
  const logitThreads = workgroupSize >= FUSED_SPLIT_FROM ? Math.max(1, Math.min(rowWords, Math.floor(workgroupSize / (batch * CLASSES)))) : 1;
  return { WORKGROUP_SIZE: workgroupSize, ROW_WORDS: rowWords, LOGIT_THREADS: logitThreads };
}
