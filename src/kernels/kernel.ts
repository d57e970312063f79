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
 * Workgroups for an element-wise kernel of `threads` threads (one per element) that walks its
 * elements in a grid-stride loop. A GPU gets one thread per element; a software adapter gets
 * SOFTWARE_WORKGROUPS workgroups whose threads each take many elements, since SwiftShader pays
 * per workgroup (the update kernel over MNIST's 7872 parameters, SwiftShader on 2 cores: 123
 * workgroups of 64, 218 µs; 2, 4 or 8 workgroups, 89-98 µs; scratch A/B, alternating). The
 * elements' results do not depend on which thread computes them: the same bits either way.
 */
export function elementwiseWorkgroups(threads: number, workgroupSize: number, software: boolean): number {
  const one = Math.ceil(threads / workgroupSize);
  return software ? Math.min(SOFTWARE_WORKGROUPS, one) : one;
}
/** two per core of a 2-core machine; more bought nothing there */
const SOFTWARE_WORKGROUPS = 4;

/**
 * The per-step uniform every kernel reads (struct Batch in shaders/prelude.wgsl): the batch is rows
 * order[start .. start + size), invSize = 1 / size, and index
 * is the step's place in the epoch's plan (update kernels read that update's scheduled rate
 * from a per-epoch table with it). Every kernel binds all of
 * it: BATCH_UNIFORM_BYTES (src/device/gpu.ts).
 */
export interface BatchUniform {
  start: number;
  size: number;
  index?: number;
}

export function writeBatchUniform(view: DataView, offsetBytes: number, b: BatchUniform): void {
  view.setUint32(offsetBytes, b.start, true);
  view.setUint32(offsetBytes + 4, b.size, true);
  view.setFloat32(offsetBytes + 8, 1 / b.size, true);
  view.setUint32(offsetBytes + 12, b.index ?? 0, true);
}
