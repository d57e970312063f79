/**
 * Host side of shaders/sgd_fused.wgsl: many small-batch SGD steps in one single-workgroup
 * dispatch. Its spec is the four-kernel step (src/reference/*, composed in CpuBackend).
 */
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

export function fusedConstants(rowWords: number, workgroupSize: number): Record<string, number> {
  return { WORKGROUP_SIZE: workgroupSize, ROW_WORDS: rowWords };
}
