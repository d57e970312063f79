/**
 * Host-side description of a WGSL kernel: its bindings (the device module builds the layout from
 * them), its override constants and its dispatch geometry for a batch of `rows` examples.
 */
import type { KernelSpec } from '../device/gpu';
import type { ParamLayout } from '../model';

export interface Kernel extends KernelSpec {
  constants(layout: ParamLayout): Record<string, number>;
  /** workgroups along x for a batch of `rows` examples */
  workgroups(rows: number, layout: ParamLayout): number;
}

/**
 * f32 per model in stacked buffers (a sweep's K models, or K regression configurations): the
 * model rounded up to 256 bytes, so that one model can be bound alone. Kernels take it as their
 * STRIDE override (in vec4s where they read vec4s).
 */
export function modelStride(layout: ParamLayout): number {
  return Math.ceil(layout.paddedCount / 64) * 64;
}

/**
 * The per-step uniform every kernel reads (struct Batch in shaders/prelude.wgsl): the batch is rows
 * order[start .. start + size), lr is the plan's base step size, invSize = 1 / size, and index
 * is the step's place in the epoch's plan (update kernels read that update's scheduled rate
 * from a per-epoch table with it). Every kernel binds all of
 * it: BATCH_UNIFORM_BYTES (src/device/gpu.ts).
 */
export interface BatchUniform {
  start: number;
  size: number;
  lr: number;
  index?: number;
}

export function writeBatchUniform(view: DataView, offsetBytes: number, b: BatchUniform): void {
  view.setUint32(offsetBytes, b.start, true);
  view.setUint32(offsetBytes + 4, b.size, true);
  view.setFloat32(offsetBytes + 8, b.lr, true);
  view.setFloat32(offsetBytes + 12, 1 / b.size, true);
  view.setUint32(offsetBytes + 16, b.index ?? 0, true);
}
