/**
 * The trainer on both backends: the WebGPU run must follow the CPU reference run step for step
 * (same seed, same order, same partial batches), in every regime, on real MNIST images.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { paramLayout, zeroParams } from '../../src/model';
import { type TrainConfig, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const { train: fullTrain, test: fullTest } = mnist();
const small = { train: head(fullTrain, 503), test: head(fullTest, 211) }; // primes: partial last batches
let gpuBackend: WebGpuBackend;
beforeAll(async () => (gpuBackend = await WebGpuBackend.create(await testGpu(), classifierData(small))));
afterAll(async () => gpuBackend?.destroy());

const run = (backend: Backend, config: TrainConfig) => train(backend, small.train.count, zeroParams(paramLayout(784)), config);

describe('WebGPU training follows the CPU reference', () => {
  test.each([
    { regime: 'SGD', batchSize: 1, lr: 0.01, epochs: 1, recordEvery: 100 },
    { regime: 'mini-batch 10', batchSize: 10, lr: 0.1, epochs: 2, recordEvery: 13 },
    { regime: 'mini-batch 64 (partial last batch of 55)', batchSize: 64, lr: 0.5, epochs: 3, recordEvery: 3 },
    { regime: 'full batch', batchSize: 503, lr: 0.5, epochs: 4, recordEvery: 1 },
  ])('$regime', async ({ batchSize, lr, epochs, recordEvery }) => {
    const config = { batchSize, lr, epochs, recordEvery, seed: 3 };
    const gpu = await run(gpuBackend, config);
    const cpu = await run(new CpuBackend(classifierData(small)), config);
    expect(gpu.steps).toBe(cpu.steps);
    expect(gpu.samples).toBe(small.train.count * epochs);
    expect(gpu.history.map((h) => h.step)).toEqual(cpu.history.map((h) => h.step));
    // f32 on the GPU vs float64 on the CPU, compounded over up to 503 updates
    expect(gpu.params).toBeAllclose(cpu.params, { atol: 2e-4, rtol: 1e-3 });
    expect(gpu.history.map((h) => h.loss)).toBeAllclose(cpu.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-3 });
    // the running mini-batch loss, kept on the GPU and read back at each recording
    expect(gpu.history[0]!.batchLoss).toBeUndefined();
    expect(gpu.history.slice(1).map((h) => h.batchLoss!)).toBeAllclose(cpu.history.slice(1).map((h) => h.batchLoss!), { atol: 1e-4, rtol: 1e-3 });
    // training makes progress from ln(10)
    expect(gpu.history[0]!.loss).toBeCloseTo(Math.log(10), 5);
    expect(gpu.history.at(-1)!.loss).toBeLessThan(gpu.history[0]!.loss * 0.8);
  });
});

describe('history and clocks', () => {
  test('with a zero learning rate, the running batch loss over an epoch is the training-set loss', async () => {
    for (const [variant, batchSize] of [['four-kernels', 64], ['fused-32', 7], ['split-k-64', 200]] as const) {
      gpuBackend.setVariantChoice(variant);
      const r = await run(gpuBackend, { batchSize, lr: 0, epochs: 2, recordEvery: 1e9, recordSteps: [], seed: 5 });
      expect(gpuBackend.variant!.note).toBe(`${variant} (forced)`);
      // records at step 0 and at each epoch's end: every example's loss at parameters that never move
      expect(r.history[0]!.batchLoss).toBeUndefined();
      expect(r.history.slice(1).map((h) => h.batchLoss!)).toBeAllclose([Math.log(10), Math.log(10)], { atol: 1e-6 });
    }
    gpuBackend.setVariantChoice('auto');
    // from trained parameters, each epoch's examples, whatever their order, average to the training-set loss
    const trained = (await run(new CpuBackend(classifierData(small)), { batchSize: 50, lr: 0.5, epochs: 1, recordEvery: 1e9, seed: 1 })).params;
    const r = await train(gpuBackend, small.train.count, trained, { batchSize: 30, lr: 0, epochs: 1, recordEvery: 5, seed: 8 });
    const windows = r.history.slice(1).map((h, i) => ({ loss: h.batchLoss!, examples: h.samples - r.history[i]!.samples }));
    const epochMean = windows.reduce((a, w) => a + w.loss * w.examples, 0) / small.train.count;
    expect(epochMean).toBeCloseTo(r.history[0]!.loss, 5);
    expect(new Set(windows.map((w) => w.loss.toFixed(6))).size).toBeGreaterThan(1);
  });

  test('records at step 0, every recordEvery updates and at each epoch end', async () => {
    const r = await run(gpuBackend, { batchSize: 50, lr: 0.5, epochs: 2, recordEvery: 4, seed: 1 });
    // 503 / 50 -> 11 steps per epoch; records at 0, 4, 8, 11 (end), 12, 16, 20, 22 (end)
    expect(r.history.map((h) => h.step)).toEqual([0, 4, 8, 11, 12, 16, 20, 22]);
    expect(r.history.map((h) => h.samples)).toEqual([0, 200, 400, 503, 553, 753, 953, 1006]);
    expect(r.history.at(-1)!.epoch).toBe(2);
    const times = r.history.map((h) => h.trainMs);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    expect(r.evalMs).toBeGreaterThan(0);
    expect(r.samplesPerSecond).toBeCloseTo(r.samples / (r.trainMs / 1000), 6);
  });

  test('explicit record steps, test-set tracking and a time budget', async () => {
    const r = await run(gpuBackend, { batchSize: 10, lr: 0.1, epochs: 100, recordEvery: 1e9, recordSteps: [1, 3, 7], recordTest: true, seed: 2, maxTrainMs: 150 });
    // 51 steps per epoch: records at 0, 1, 3, 7, each epoch end, and where the budget ran out
    expect(r.history.slice(0, 4).map((h) => h.step)).toEqual([0, 1, 3, 7]);
    expect(r.history.every((h) => h.testAccuracy !== undefined && h.testLoss !== undefined)).toBe(true);
    expect(r.trainMs).toBeGreaterThanOrEqual(150);
    expect(r.steps).toBeLessThan(100 * 51);
    expect(r.history.at(-1)!.step).toBe(r.steps);
  });

  test.each(['four-kernels', 'split-k-64', 'fused-32'] as const)('the same seed gives bit-identical weights and history (%s); another seed does not', async (variant) => {
    gpuBackend.setVariantChoice(variant);
    const config = { batchSize: variant === 'fused-32' ? 8 : 130, lr: 0.3, epochs: 2, recordEvery: 3, seed: 11 };
    const a = await run(gpuBackend, config);
    const b = await run(gpuBackend, config);
    const c = await run(gpuBackend, { ...config, seed: 12 });
    gpuBackend.setVariantChoice('auto');
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
    // every recorded number but the clock, exactly
    const numbers = (h: typeof a.history) => h.map(({ trainMs: _, ...rest }) => rest);
    expect(numbers(a.history)).toEqual(numbers(b.history));
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(c.params.buffer))).toBe(false);
  });
});
