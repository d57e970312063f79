/**
 * GPU faults, forced: the device destroyed in the middle of a run, a buffer larger than the
 * adapter allows. Each gives one clear line with the numbers, and the last checkpoint is kept.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { WebGpuBackend } from '../../src/backend/webgpu';
import type { Dataset } from '../../src/data/dataset';
import type { Gpu } from '../../src/device/gpu';
import { GpuFault, UserError } from '../../src/errors';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { SGD } from '../../src/optim/optimizer';
import { CONSTANT } from '../../src/optim/schedule';
import { paramLayout, zeroParams } from '../../src/model';
import { TrainingStopped, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 503), test: head(mnist().test, 50) };
const gpus: Gpu[] = [];
afterAll(async () => {
  for (const g of gpus) await g.destroy();
});
const RUN = { batchSize: 10, lr: 0.1, seed: 1, recordEvery: 10, epochs: 3, features: 784, trainExamples: 503, dataCrc32: 0, backend: 'webgpu', task: 'classification' as const, objective: null, shuffle: true, origin: { kind: 'mnist' as const, dir: null }, stepVariant: 'four-kernels', optimizer: SGD, schedule: CONSTANT };

describe('GPU faults', () => {
  test('the device lost mid-run: a one-line GpuFault, the history so far, the last checkpoint intact', async () => {
    const gpu = await testGpu();
    gpus.push(gpu);
    const backend = await WebGpuBackend.create(gpu, classifierData(data));
    backend.setVariantChoice('four-kernels');
    let file: Uint8Array | undefined;
    let progress = 0;
    const error = await train(backend, data.train.count, zeroParams(paramLayout(784)), { batchSize: 10, lr: 0.1, epochs: 3, recordEvery: 10, seed: 1 }, () => {
      if (++progress === 40) gpu.device.destroy(); // as a driver reset or a removed GPU would
    }, {
      checkpoint: { everySteps: 20, write: (state, params) => void (file = encodeCheckpoint({ run: RUN, state, params, optimizerState: [] })) },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingStopped);
    const stopped = error as TrainingStopped;
    expect(stopped.reason).toBe('failed');
    expect(stopped.cause).toBeInstanceOf(GpuFault);
    expect(stopped.exitCode).toBe(4);
    expect(stopped.message).toMatch(/^the GPU device was lost \(destroyed\)/);
    expect(stopped.message).not.toContain('\n');
    expect(stopped.history.length).toBeGreaterThan(1);
    const last: Checkpoint = decodeCheckpoint(file!, 'ckpt');
    expect(last.state.steps % 20 === 0 || last.state.stepInEpoch === 0).toBe(true);
    expect(last.state.steps).toBeGreaterThan(0);
    expect(last.state.steps).toBeLessThanOrEqual(stopped.step);
    expect(last.params.every(Number.isFinite)).toBe(true);
  });

  test('a buffer above the adapter limits: needed against allowed, before anything is allocated', async () => {
    const gpu = await testGpu();
    gpus.push(gpu);
    const max = Math.min(gpu.limits.maxBufferSize, gpu.limits.maxStorageBufferBindingSize);
    await expect(gpu.buffer('huge', max + 16, 'storage')).rejects.toThrow(new UserError(`buffer 'huge' needs ${max + 16} bytes, but this adapter allows at most ${max}`));
    // through the backend: a training set whose images need more than one binding may hold
    const count = Math.ceil((max + 1) / 784) + 4;
    const images = { byteLength: count * 784 } as unknown as Uint8Array; // never allocated: the check comes first
    const big: Dataset = { images, labels: new Uint8Array(count), count, features: 784 };
    const before = gpu.memory.buffers;
    await expect(WebGpuBackend.create(gpu, classifierData({ train: big }))).rejects.toThrow(/^buffer 'train images' needs \d+ bytes, but this adapter allows at most \d+$/);
    expect(gpu.memory.buffers).toBeGreaterThanOrEqual(before);
  });
});
