/**
 * Checkpoint and resume inside one process: a run stopped at a step boundary (as a signal
 * stops it) and resumed from its checkpoint file ends with the same weights, bit for bit, and
 * the same history as a run that was never stopped, for every way of running steps.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { type StepVariant, WebGpuBackend } from '../../src/backend/webgpu';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { SGD } from '../../src/optim/optimizer';
import { CONSTANT } from '../../src/optim/schedule';
import { paramLayout, zeroParams } from '../../src/model';
import { type TrainConfig, type TrainState, TrainingStopped, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 503), test: head(mnist().test, 50) };
const init = () => zeroParams(paramLayout(784));
const RUN = { batchSize: 1, lr: 1, seed: 1, recordEvery: 1, epochs: 1, features: 784, trainExamples: 503, dataCrc32: 0, backend: 'webgpu', task: 'classification' as const, objective: null, shuffle: true, origin: { kind: 'mnist' as const, dir: null }, stepVariant: null, optimizer: SGD, schedule: CONSTANT };
let gpu: WebGpuBackend;
beforeAll(async () => (gpu = await WebGpuBackend.create(await testGpu(), classifierData(data))));
afterAll(async () => gpu?.destroy());

/** Trains until `stopAfter` progress callbacks, keeping the last checkpoint as file bytes. */
async function stopped(backend: Backend, config: TrainConfig, stopAfter: number, everySteps?: number): Promise<{ file: Uint8Array; error: TrainingStopped }> {
  let file: Uint8Array | undefined;
  let calls = 0;
  const error = await train(backend, data.train.count, init(), config, () => calls++, {
    checkpoint: { everySteps, write: (state, params, optimizerState) => void (file = encodeCheckpoint({ run: { ...RUN, ...config, optimizer: config.optimizer ?? SGD, schedule: config.schedule ?? CONSTANT }, state, params, optimizerState })) },
    stopRequested: () => (calls > stopAfter ? 'SIGINT' : undefined),
  }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TrainingStopped);
  return { file: file!, error: error as TrainingStopped };
}

/**
 * The same weights and history; `resumedAt` (updates) marks the one value that may differ: the
 * running batch loss of the first recording after the resume, which covers the updates since the
 * resume only (the losses of the examples before it are not in the checkpoint).
 */
function sameRun(a: { params: Float32Array; history: TrainState['history'] }, b: { params: Float32Array; history: TrainState['history'] }, resumedAt: number) {
  expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
  const firstAfter = b.history.findIndex((p) => p.step > resumedAt);
  const strip = (h: TrainState['history']) => h.map(({ trainMs: _, batchLoss, ...rest }, i) => ({ ...rest, batchLoss: i === firstAfter ? 'since the resume' : batchLoss }));
  expect(strip(a.history)).toEqual(strip(b.history));
}

describe('a stopped and resumed run equals an uninterrupted one', () => {
  test.each([
    { variant: 'four-kernels', batchSize: 64, lr: 0.5, epochs: 3, stopAfter: 5 },
    { variant: 'fused-32', batchSize: 1, lr: 0.01, epochs: 2, stopAfter: 130 },
    { variant: 'split-k-64', batchSize: 200, lr: 0.5, epochs: 3, stopAfter: 4 },
  ] as const)('$variant, batch $batchSize, stopped after $stopAfter progress calls', async ({ variant, batchSize, lr, epochs, stopAfter }) => {
    gpu.setVariantChoice(variant as StepVariant);
    const config: TrainConfig = { batchSize, lr, epochs, recordEvery: 7, seed: 4 };
    const whole = await train(gpu, data.train.count, init(), config);
    const { file, error } = await stopped(gpu, config, stopAfter);
    expect(error.reason).toBe('interrupted');
    expect(error.exitCode).toBe(130);
    const saved: Checkpoint = decodeCheckpoint(file, 'ckpt');
    expect(saved.state.steps).toBe(error.step);
    expect(saved.state.steps).toBeGreaterThan(0);
    expect(saved.state.steps).toBeLessThan(whole.steps);
    const resumed = await train(gpu, data.train.count, saved.params, config, () => {}, { resume: saved.state });
    expect(resumed.steps).toBe(whole.steps);
    expect(resumed.samples).toBe(whole.samples);
    sameRun(resumed, whole, saved.state.steps);
    expect(gpu.variant!.note).toBe(`${variant} (forced)`);
  });

  test('on the CPU reference, from a periodic checkpoint mid-epoch (every 3 updates)', async () => {
    const cpu = new CpuBackend(classifierData(data));
    const config: TrainConfig = { batchSize: 50, lr: 0.5, epochs: 2, recordEvery: 4, seed: 9 };
    const whole = await train(cpu, data.train.count, init(), config);
    const { file } = await stopped(cpu, config, 3, 3);
    const saved = decodeCheckpoint(file, 'ckpt');
    const resumed = await train(cpu, data.train.count, saved.params, config, () => {}, { resume: saved.state });
    sameRun(resumed, whole, saved.state.steps);
  });

  test('a checkpoint taken at an epoch end resumes at the next epoch, and one at the end resumes to nothing', async () => {
    gpu.setVariantChoice('four-kernels');
    const config: TrainConfig = { batchSize: 100, lr: 0.5, epochs: 2, recordEvery: 100, seed: 2 };
    const states: Checkpoint[] = [];
    const whole = await train(gpu, data.train.count, init(), config, () => {}, {
      checkpoint: { write: (state, params, optimizerState) => void states.push(decodeCheckpoint(encodeCheckpoint({ run: { ...RUN, ...config, optimizer: config.optimizer ?? SGD, schedule: config.schedule ?? CONSTANT }, state, params, optimizerState }), 'c')) },
    });
    // epoch ends only (no interval given): after epoch 1 and after epoch 2
    expect(states.map((c) => [c.state.epoch, c.state.stepInEpoch, c.state.steps])).toEqual([[1, 0, 6], [2, 0, 12]]);
    const fromFirst = await train(gpu, data.train.count, states[0]!.params, config, () => {}, { resume: states[0]!.state });
    sameRun(fromFirst, whole, states[0]!.state.steps);
    const fromLast = await train(gpu, data.train.count, states[1]!.params, config, () => {}, { resume: states[1]!.state });
    expect(fromLast.steps).toBe(whole.steps);
    sameRun(fromLast, whole, states[1]!.state.steps);
  });
});
