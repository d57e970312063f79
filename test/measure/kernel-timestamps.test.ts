/**
 * GPU time from timestamp queries in the kernel microbenchmark: on this adapter (SwiftShader
 * offers 'timestamp-query') a kernel's GPU time per dispatch is positive and not above its wall
 * time, which adds the submit and the wait; a device without the feature reports null, not zero.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { acquireNodeAdapter } from '../../src/device/adapter-node';
import { Gpu, UNIFORM_STRIDE_BYTES } from '../../src/device/gpu';
import { nodeShaderFiles } from '../../src/device/shader-files-node';
import { forwardKernel } from '../../src/kernels/forward';
import { writeBatchUniform } from '../../src/kernels/kernel';
import { type Recorder, timeRepeated } from '../../src/measure/kernels';
import { IMAGE_FEATURES, paramLayout } from '../../src/model';

const ROWS = 1000;
const layout = paramLayout(IMAGE_FEATURES);
const gpus: Gpu[] = [];
afterAll(async () => {
  for (const g of gpus) await g.destroy();
});

async function device(timestamps: boolean): Promise<Gpu> {
  const found = await acquireNodeAdapter('auto');
  const gpu = await Gpu.create(found.adapter, found.report, nodeShaderFiles, { timestamps });
  gpus.push(gpu);
  return gpu;
}

/** the forward kernel over ROWS rows, as the microbenchmark records it */
async function forward(gpu: Gpu): Promise<Recorder> {
  const table = new DataView(new ArrayBuffer(UNIFORM_STRIDE_BYTES));
  writeBatchUniform(table, 0, { start: 0, size: ROWS });
  const storage = async (bytes: number) => gpu.buffer('b', bytes, 'storage');
  const pipeline = await gpu.pipeline(forwardKernel, forwardKernel.constants(layout));
  const group = gpu.bindGroup(pipeline, [
    await gpu.buffer('batch', UNIFORM_STRIDE_BYTES, 'uniform', table),
    await storage(ROWS * IMAGE_FEATURES), await gpu.buffer('order', ROWS * 4, 'storage', Uint32Array.from({ length: ROWS }, (_, i) => i)),
    await storage(layout.paddedCount * 4), await storage(ROWS * 10 * 4),
  ]);
  return (encoder, timestampWrites) => {
    const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
    pass.setPipeline(pipeline.pipeline);
    pass.setBindGroup(0, group, [0]);
    gpu.dispatch(pass, pipeline, forwardKernel.workgroups(ROWS, layout));
    pass.end();
  };
}

describe('GPU time from timestamp queries', () => {
  test('on this adapter: positive and not above the wall time', async () => {
    const gpu = await device(true);
    expect(gpu.timestamps, `the adapter (${gpu.adapter.description}) offers no timestamp-query`).toBe(true);
    const t = await timeRepeated(gpu, await forward(gpu));
    expect(t.gpuPerCallMs).not.toBeNull();
    expect(t.gpuPerCallMs!).toBeGreaterThan(0);
    // medians over the same submissions; the margin covers the clocks' different resolutions
    expect(t.gpuPerCallMs!).toBeLessThanOrEqual(t.perCallMs * 1.25 + 0.01);
  });

  test('a device without the feature reports null', async () => {
    const gpu = await device(false);
    expect(gpu.timestamps).toBe(false);
    expect(gpu.timer()).toBeNull();
    const t = await timeRepeated(gpu, await forward(gpu));
    expect(t.gpuPerCallMs).toBeNull();
    expect(t.perCallMs).toBeGreaterThan(0);
  });
});
