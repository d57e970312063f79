/**
 * Linear regression with squared loss: the WebGPU backend follows the CPU reference in the three
 * regimes, and gradient descent reaches the closed-form least-squares solution on small problems.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { splitAndStandardise, syntheticRegression } from '../../src/data/regression';
import { linearLayout } from '../../src/model';
import { SGD } from '../../src/optim/optimizer';
import { type TrainConfig, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { regressionSplitData } from '../helpers/data';
import { regressionData } from '../../src/data/training-data';
import { leastSquares } from '../helpers/least-squares';

function data(rows: number, dims: number, noise: number, seed: number) {
  const s = syntheticRegression(rows, dims, noise, seed);
  return { ...splitAndStandardise(s.x, s.y, rows, dims, 0.2, seed), truth: s };
}

const small = data(303, 7, 0.5, 1); // 242 training rows: partial last batches
let gpu: WebGpuBackend;
beforeAll(async () => (gpu = await WebGpuBackend.create(await testGpu(), regressionSplitData(small))));
afterAll(async () => gpu?.destroy());
const zeros = () => new Float32Array(linearLayout(7).paddedCount);

describe('linear regression on WebGPU follows the CPU reference', () => {
  test.each([
    { regime: 'SGD', batchSize: 1, lr: 0.01 },
    { regime: 'mini-batch 16', batchSize: 16, lr: 0.1 },
    { regime: 'full batch', batchSize: 242, lr: 0.5 },
    { regime: 'mini-batch 20 with Adam', batchSize: 20, lr: 0.05, optimizer: { ...SGD, kind: 'adam' as const } },
  ])('$regime', async ({ batchSize, lr, optimizer }) => {
    const config: TrainConfig = { batchSize, lr, epochs: 3, recordEvery: 5, seed: 2, optimizer };
    const ours = await train(gpu, small.train.count, zeros(), config);
    const ref = await train(new CpuBackend(regressionSplitData(small)), small.train.count, zeros(), config);
    expect(ours.params).toBeAllclose(ref.params, { atol: 1e-4, rtol: 1e-4 });
    expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-4 });
    // R², in the accuracy slot, rises from about 0
    expect(ours.history.at(-1)!.accuracy).toBeGreaterThan(0.9);
  });
});

describe('gradient descent reaches the least-squares solution', () => {
  test.each([
    { name: '200 rows, 5 features', rows: 250, dims: 5 },
    { name: '1000 rows, 17 features', rows: 1250, dims: 17 },
  ])('full-batch GD on $name', async ({ rows, dims }) => {
    const d = data(rows, dims, 0.3, 7);
    const backend = await WebGpuBackend.create(await testGpu(), regressionSplitData(d));
    try {
      const r = await train(backend, d.train.count, new Float32Array(linearLayout(dims).paddedCount), { batchSize: d.train.count, lr: 0.5, epochs: 400, recordEvery: 1000, seed: 1 });
      const exact = leastSquares(d.train.features, d.train.targets, d.train.count, dims);
      expect(r.params.subarray(0, dims + 1)).toBeAllclose(exact, { atol: 1e-4, rtol: 1e-4 });
      // on held-out rows, R² is about what the noise allows, Σθ² / (Σθ² + σ²) for the generator's θ
      // (within 0.1: 50 held-out rows leave R² a few percent of sampling spread)
      const signal = d.truth.weights.reduce((a, w) => a + w * w, 0);
      const fit = await backend.evaluate(0, 'test');
      expect(fit.accuracy).toBeGreaterThan(signal / (signal + 0.3 ** 2) - 0.1);
    } finally {
      await backend.destroy();
    }
  });

  test('mini-batch SGD with a cosine schedule ends within 0.5% of the optimal loss', async () => {
    const exact = leastSquares(small.train.features, small.train.targets, small.train.count, 7);
    const optimal = await (async () => {
      const cpu = new CpuBackend(regressionSplitData(small));
      await cpu.setParams(0, Float32Array.from([...exact, 0, 0, 0, 0].slice(0, linearLayout(7).paddedCount)));
      return (await cpu.evaluate(0, 'train')).loss;
    })();
    const r = await train(gpu, small.train.count, zeros(), { batchSize: 10, lr: 0.05, epochs: 30, recordEvery: 1000, seed: 3, schedule: { kind: 'cosine', every: 1, factor: 1, warmup: 0 } });
    expect(r.history.at(-1)!.loss).toBeLessThan(optimal * 1.005);
    expect(r.history.at(-1)!.loss).toBeGreaterThanOrEqual(optimal * (1 - 1e-6));
  });
});

describe('mse', () => {
  // the loss kernel already applies mse's factor of 2: the batch loss once counted it twice
  test.each(['webgpu', 'cpu'])('on %s, the batch loss of a full-batch update is the whole-set loss it started from', async (name) => {
    const mse = regressionData(small, { kind: 'arrays' }, 'mse rows', Array.from({ length: 7 }, (_, j) => `x${j}`), 'y', undefined, { loss: 'mse', intercept: true });
    const backend = name === 'cpu' ? new CpuBackend(mse) : await WebGpuBackend.create(await testGpu(), mse);
    try {
      const r = await train(backend, small.train.count, zeros(), { batchSize: small.train.count, lr: 0.1, epochs: 3, recordEvery: 1, seed: 1 });
      expect(r.history.slice(1).map((h) => h.batchLoss!)).toBeAllclose(r.history.slice(0, -1).map((h) => h.loss), { atol: 1e-5, rtol: 1e-5 });
      // at zero parameters the mse, in the target's units, is the training targets' variance
      expect(r.history[0]!.loss / small.targetScale.sd ** 2).toBeCloseTo(1, 5);
    } finally {
      await backend.destroy();
    }
  });
});
