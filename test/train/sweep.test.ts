/**
 * A sweep stacks K configurations per batch size; each must train exactly as it would alone:
 * the same weights as a single-model WebGPU run with the same seed, batch size, rate and
 * optimiser, bit for bit, with a schedule too (each configuration's rate table holds its own
 * scheduled rate, computed in float64 as a single run's).
 */
import { describe, expect, test } from 'vitest';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { paramLayout, zeroParams } from '../../src/model';
import { type OptimizerKind, SGD } from '../../src/optim/optimizer';
import { type SweepConfig, bestRun, sweepModels, trainSweep } from '../../src/train/sweep';
import { CpuBackend } from '../../src/backend/cpu';
import { splitAndStandardise, syntheticRegression } from '../../src/data/regression';
import { type TrainingData, initialParams } from '../../src/data/training-data';
import { train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData, regressionSplitData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 503), test: head(mnist().test, 60) };

async function alone(run: { batchSize: number; lr: number; optimizer: OptimizerKind }, config: SweepConfig) {
  const backend = await WebGpuBackend.create(await testGpu(), classifierData(data));
  backend.setVariantChoice('four-kernels');
  try {
    return await train(backend, data.train.count, zeroParams(paramLayout(784)), {
      batchSize: run.batchSize, lr: run.lr, epochs: config.epochs, recordEvery: 1e9, recordSteps: [], seed: config.seed, optimizer: { ...SGD, kind: run.optimizer }, schedule: config.schedule,
    });
  } finally {
    await backend.destroy();
  }
}

/** A sweep on an engine of `data` stacking the configurations of `config`. */
async function sweepOn(device: 'webgpu' | 'cpu', training: TrainingData, config: SweepConfig) {
  const engine = device === 'cpu' ? new CpuBackend(training, sweepModels(config).length) : await WebGpuBackend.create(await testGpu(), training, { models: sweepModels(config).length });
  try {
    return await trainSweep(engine, training, config);
  } finally {
    await engine.destroy();
  }
}

describe('a sweep trains every configuration as it would train alone', () => {
  test('3 optimisers x 2 rates x 2 batch sizes, constant rate: the same weights, bit for bit', async () => {
    const config: SweepConfig = { batchSizes: [64, 7], lrs: [0.02, 0.2], optimizers: ['sgd', 'momentum', 'adam'], epochs: 2, seed: 5 };
    const sweep = await sweepOn('webgpu', classifierData(data), config);
    expect(sweep.runs).toHaveLength(12);
    expect(sweep.groups.map((g) => [g.batchSize, g.models])).toEqual([[64, 6], [7, 6]]);
    for (const run of sweep.runs) {
      const single = await alone(run, config);
      expect(Buffer.from(run.params.buffer).equals(Buffer.from(single.params.buffer)), `${run.optimizer} lr ${run.lr} batch ${run.batchSize}`).toBe(true);
      // recorded at the start and at each epoch's end, like the single run
      expect(run.history.map((h) => h.loss)).toEqual(single.history.map((h) => h.loss));
      expect(run.history.at(-1)!.testAccuracy).toBeGreaterThan(0.5);
    }
    const best = bestRun(sweep.runs)!;
    expect(best.history.at(-1)!.loss).toBe(Math.min(...sweep.runs.map((r) => r.history.at(-1)!.loss)));
  });

  test('with a cosine schedule and warm-up: the same weights, bit for bit', async () => {
    const config: SweepConfig = { batchSizes: [50], lrs: [0.1, 0.5], optimizers: ['sgd', 'nesterov'], epochs: 2, seed: 2, schedule: { kind: 'cosine', every: 1, factor: 1, warmup: 5 } };
    const sweep = await sweepOn('webgpu', classifierData(data), config);
    for (const run of sweep.runs) {
      expect(Buffer.from(run.params.buffer).equals(Buffer.from((await alone(run, config)).params.buffer)), `${run.optimizer} lr ${run.lr}`).toBe(true);
    }
  });

  test('a diverging configuration is marked and the others go on', async () => {
    const sweep = await sweepOn('webgpu', classifierData(data), { batchSizes: [20], lrs: [0.1, 1e38], optimizers: ['sgd'], epochs: 1, seed: 1 });
    expect(sweep.runs.map((r) => r.diverged)).toEqual([false, true]);
    expect(bestRun(sweep.runs)!.lr).toBe(0.1);
  });
});

describe('every model sweeps on every engine', () => {
  const rows = regressionSplitData((() => {
    const s = syntheticRegression(300, 6, 0.2, 3);
    return splitAndStandardise(s.x, s.y, 300, 6, 0.2, 3);
  })());
  const config: SweepConfig = { batchSizes: [16, 5], lrs: [0.01, 0.1], optimizers: ['sgd', 'nesterov', 'adam'], epochs: 2, seed: 4 };

  test('a configuration whose steps overflow is marked diverged even while its recorded loss is finite', async () => {
    // at lr 5 the float32 losses of some batches overflow before the whole-set loss does
    const sweep = await sweepOn('webgpu', rows, { batchSizes: [10], lrs: [0.05, 5], optimizers: ['sgd'], epochs: 2, seed: 1 });
    expect(sweep.runs.map((r) => r.diverged)).toEqual([false, true]);
  });

  test.each([
    { model: 'regression', device: 'webgpu' },
    { model: 'regression', device: 'cpu' },
    { model: 'classifier', device: 'cpu' },
  ] as const)('$model on $device: each configuration bit for bit as alone', async ({ model, device }) => {
    const training = model === 'regression' ? rows : classifierData({ train: head(mnist().train, 120), test: head(mnist().test, 30) });
    const sweep = await sweepOn(device, training, config);
    expect(sweep.runs).toHaveLength(12);
    for (const run of sweep.runs) {
      const engine = device === 'cpu' ? new CpuBackend(training) : await WebGpuBackend.create(await testGpu(), training, { stepVariant: 'four-kernels' });
      try {
        const single = await train(engine, training.trainCount, initialParams(training), {
          batchSize: run.batchSize, lr: run.lr, epochs: config.epochs, recordEvery: 1e9, recordSteps: [], seed: config.seed, optimizer: { ...SGD, kind: run.optimizer },
        });
        expect(Buffer.from(run.params.buffer).equals(Buffer.from(single.params.buffer)), `${run.optimizer} lr ${run.lr} batch ${run.batchSize}`).toBe(true);
        expect(run.history.map((h) => h.loss)).toEqual(single.history.map((h) => h.loss));
      } finally {
        await engine.destroy();
      }
    }
  });
});
