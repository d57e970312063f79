/**
 * Test helpers: one SwiftShader (or hardware) device per test file, and `runKernel`, which runs
 * one kernel once on given inputs and reads back chosen bindings. Output buffers start filled
 * with NaN so that an element the kernel forgot to write fails the comparison.
 */
import { type Gpu, UNIFORM_STRIDE_BYTES } from '../../src/device/gpu';
import { openNodeDevice } from '../../src/device/open-node';
import { nodeShaderFiles } from '../../src/device/shader-files-node';
import type { ShaderSource } from '../../src/device/shader-source';
import { type BatchUniform, type Kernel, writeBatchUniform } from '../../src/kernels/kernel';
import type { ParamLayout } from '../../src/model';

export async function testGpu(shaders: ShaderSource = nodeShaderFiles): Promise<Gpu> {
  return (await openNodeDevice('auto', shaders)).gpu;
}

/** A binding's content: input data, or an output of `bytes` poisoned with NaN. */
export type BindingData = ArrayBufferView | { outputBytes: number };

export async function runKernel(
  gpu: Gpu,
  kernel: Kernel,
  layout: ParamLayout,
  batch: BatchUniform,
  data: readonly BindingData[],
): Promise<ArrayBuffer[]> {
  const pipeline = await gpu.pipeline(kernel, kernel.constants(layout));
  // the batch uniform goes at a non-zero dynamic offset, as in training
  const table = new DataView(new ArrayBuffer(2 * UNIFORM_STRIDE_BYTES));
  writeBatchUniform(table, UNIFORM_STRIDE_BYTES, batch);
  const buffers = [await gpu.buffer('batch', table.byteLength, 'uniform', table)];
  for (const [i, d] of data.entries()) {
    if ('outputBytes' in d) buffers.push(await gpu.buffer(`binding ${i + 1}`, d.outputBytes, 'storage', new Float32Array(Math.ceil(d.outputBytes / 4)).fill(NaN)));
    else buffers.push(await gpu.buffer(`binding ${i + 1}`, d.byteLength, 'storage', d));
  }
  const encoder = gpu.encoder(kernel.name);
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline.pipeline);
  pass.setBindGroup(0, gpu.bindGroup(pipeline, buffers), [UNIFORM_STRIDE_BYTES]);
  pass.dispatchWorkgroups(kernel.workgroups(batch.size, layout));
  pass.end();
  gpu.submit([encoder.finish()]);
  const out = await Promise.all(buffers.slice(1).map((b, i) => gpu.read(b, byteLength(data[i]!))));
  for (const b of buffers) gpu.free(b);
  return out;
}

function byteLength(d: BindingData): number {
  return 'outputBytes' in d ? d.outputBytes : d.byteLength;
}
