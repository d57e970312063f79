/**
 * Momentum, Nesterov and Adam with each schedule: WebGPU training follows the CPU reference step
 * for step, the fused step is kept to plain SGD (with schedules), and a run with optimiser state
 * stopped and resumed from its checkpoint equals one that never stopped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { paramLayout, zeroParams } from '../../src/model';
import { OPTIMIZER_KINDS, type Optimizer, SGD } from '../../src/optim/optimizer';
import { defaultRate } from '../../src/train/default-rate';
import { CONSTANT, type Schedule } from '../../src/optim/schedule';
import { type TrainConfig, TrainingStopped, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 503), test: head(mnist().test, 50) };
const init = () => zeroParams(paramLayout(784));
let gpu: WebGpuBackend;
beforeAll(async () => (gpu = await WebGpuBackend.create(await testGpu(), classifierData(data))));
afterAll(async () => gpu?.destroy());

const MOMENTUM: Optimizer = { ...SGD, kind: 'momentum', momentum: 0.9 };
const NESTEROV: Optimizer = { ...SGD, kind: 'nesterov', momentum: 0.8 };
const ADAM: Optimizer = { ...SGD, kind: 'adam' };
const STEP: Schedule = { kind: 'step', every: 1, factor: 0.5, warmup: 0 };
const COSINE_WARM: Schedule = { kind: 'cosine', every: 1, factor: 1, warmup: 7 };

describe('optimisers and schedules on WebGPU follow the CPU reference', () => {
  test.each([
    { name: 'momentum, constant', optimizer: MOMENTUM, schedule: CONSTANT, lr: 0.05, batchSize: 64 },
    { name: 'nesterov, step decay', optimizer: NESTEROV, schedule: STEP, lr: 0.1, batchSize: 50 },
    { name: 'adam, cosine with warm-up', optimizer: ADAM, schedule: COSINE_WARM, lr: 0.003, batchSize: 32 },
    // batch 1: one epoch is 503 updates
    { name: 'adam at batch 1', optimizer: ADAM, schedule: CONSTANT, lr: 0.001, batchSize: 1, epochs: 1 },
    { name: 'sgd, cosine with warm-up, batch 1 (fused)', optimizer: SGD, schedule: COSINE_WARM, lr: 0.02, batchSize: 1, epochs: 1 },
    { name: 'sgd, step decay, full batch', optimizer: SGD, schedule: STEP, lr: 0.5, batchSize: 503 },
  ] as { name: string; optimizer: Optimizer; schedule: Schedule; lr: number; batchSize: number; epochs?: number }[])('$name', async ({ optimizer, schedule, lr, batchSize, epochs }) => {
    gpu.setVariantChoice('auto');
    const config: TrainConfig = { batchSize, lr, epochs: epochs ?? 3, recordEvery: 40, seed: 5, optimizer, schedule };
    const ours = await train(gpu, data.train.count, init(), config);
    const ref = await train(new CpuBackend(classifierData(data)), data.train.count, init(), config);
    if (optimizer.kind !== 'sgd') expect(gpu.variant!.note).not.toMatch(/^fused/);
    expect(ours.params).toBeAllclose(ref.params, { atol: 5e-4, rtol: 2e-3 });
    expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 2e-4, rtol: 2e-3 });
    expect(ours.history.at(-1)!.loss).toBeLessThan(0.8 * Math.log(10));
  });

  test.each(OPTIMIZER_KINDS)('%s at its default rate (batch 32), cosine with warm-up: as the CPU reference', async (kind) => {
    gpu.setVariantChoice('auto');
    const optimizer = { ...SGD, kind };
    const config: TrainConfig = { batchSize: 32, lr: defaultRate(classifierData(data), optimizer, 32).lr, epochs: 2, recordEvery: 40, seed: 5, optimizer, schedule: COSINE_WARM };
    const ours = await train(gpu, data.train.count, init(), config);
    const ref = await train(new CpuBackend(classifierData(data)), data.train.count, init(), config);
    expect(ours.params).toBeAllclose(ref.params, { atol: 5e-4, rtol: 2e-3 });
    expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 2e-4, rtol: 2e-3 });
    expect(ours.history.at(-1)!.loss).toBeLessThan(ours.history[0]!.loss);
  });

  test('stopped and resumed with Adam\'s moments in the checkpoint: the same weights, bit for bit', async () => {
    gpu.setVariantChoice('four-kernels');
    const config: TrainConfig = { batchSize: 20, lr: 0.003, epochs: 2, recordEvery: 9, seed: 2, optimizer: ADAM, schedule: COSINE_WARM };
    const whole = await train(gpu, data.train.count, init(), config);
    const run = { ...config, features: 784, trainExamples: 503, dataCrc32: 0, backend: 'webgpu', task: 'classification' as const, objective: null, shuffle: true, origin: { kind: 'mnist' as const, dir: null }, stepVariant: 'four-kernels', optimizer: ADAM, schedule: COSINE_WARM };
    let file: Uint8Array | undefined;
    let calls = 0;
    const stopped = await train(gpu, data.train.count, init(), config, () => calls++, {
      checkpoint: { write: (state, params, optimizerState) => void (file = encodeCheckpoint({ run, state, params, optimizerState })) },
      stopRequested: () => (calls > 6 ? 'SIGTERM' : undefined),
    }).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(TrainingStopped);
    const saved = decodeCheckpoint(file!, 'c');
    expect(saved.optimizerState.map((a) => a.length)).toEqual([7852, 7852]);
    expect(saved.optimizerState[1]!.some((x) => x > 0)).toBe(true);
    const resumed = await train(gpu, data.train.count, saved.params, config, () => {}, { resume: saved.state, optimizerState: saved.optimizerState });
    gpu.setVariantChoice('auto');
    expect(Buffer.from(resumed.params.buffer).equals(Buffer.from(whole.params.buffer))).toBe(true);
  });
});
