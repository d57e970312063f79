/**
 * A sweep stacks K configurations per batch size; each must train exactly as it would alone:
 * the same weights as a single-model WebGPU run with the same seed, batch size, rate and
 * optimiser (bit for bit with a constant rate; within rounding with a schedule, whose factor the
 * stack applies as lr × factor).
 */
import { describe, expect, test } from 'vitest';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { paramLayout, zeroParams } from '../../src/model';
import { SGD } from '../../src/optim/optimizer';
import { type SweepConfig, bestRun, trainSweep } from '../../src/train/sweep';
import { train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 503), test: head(mnist().test, 60) };

async function alone(run: { batchSize: number; lr: number; optimizer: 'sgd' | 'momentum' | 'nesterov' | 'adam' }, config: SweepConfig) {
  const backend = await WebGpuBackend.create(await testGpu(), data);
  backend.variantChoice = 'four-kernels';
  try {
    return await train(backend, data.train.count, zeroParams(paramLayout(784)), {
      batchSize: run.batchSize, lr: run.lr, epochs: config.epochs, recordEvery: 1e9, seed: config.seed, optimizer: { ...SGD, kind: run.optimizer }, schedule: config.schedule,
    });
  } finally {
    await backend.destroy();
  }
}

describe('a sweep trains every configuration as it would train alone', () => {
  test('3 optimisers x 2 rates x 2 batch sizes, constant rate: the same weights, bit for bit', async () => {
    const config: SweepConfig = { batchSizes: [64, 7], lrs: [0.02, 0.2], optimizers: ['sgd', 'momentum', 'adam'], epochs: 2, seed: 5 };
    const sweep = await trainSweep(testGpu, data, config);
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

  test('with a cosine schedule and warm-up: the same weights within rounding', async () => {
    const config: SweepConfig = { batchSizes: [50], lrs: [0.1, 0.5], optimizers: ['sgd', 'nesterov'], epochs: 2, seed: 2, schedule: { kind: 'cosine', every: 1, factor: 1, warmup: 5 } };
    const sweep = await trainSweep(testGpu, data, config);
    for (const run of sweep.runs) expect(run.params).toBeAllclose((await alone(run, config)).params, { atol: 1e-5, rtol: 1e-4 });
  });

  test('a diverging configuration is marked and the others go on', async () => {
    const sweep = await trainSweep(testGpu, data, { batchSizes: [20], lrs: [0.1, 1e38], optimizers: ['sgd'], epochs: 1, seed: 1 });
    expect(sweep.runs.map((r) => r.diverged)).toEqual([false, true]);
    expect(bestRun(sweep.runs)!.lr).toBe(0.1);
  });
});
