/**
 * Every way the WebGPU backend can run a step, against the CPU reference of the four-kernel step:
 * sgd_fused (many small-batch steps in one single-workgroup dispatch) for every workgroup size,
 * the split-K gradient for every chunk size and the register-blocked gradient, on real MNIST images with partial last batches
 * and on awkward synthetic shapes.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu';
import { type StepVariant, type VariantChoice, WebGpuBackend } from '../../src/backend/webgpu';
import { candidates, clearTuneCache, ruleVariant } from '../../src/backend/variants';
import type { Dataset } from '../../src/data/dataset';
import type { Gpu } from '../../src/device/gpu';
import { paramLayout, zeroParams } from '../../src/model';
import { Rng } from '../../src/rng';
import { type TrainConfig, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';
import { randomImages, randomLabels } from '../helpers/random';

const gpus: Gpu[] = [];
afterAll(async () => {
  for (const g of gpus) await g.destroy();
});

async function compare(data: { train: Dataset; test: Dataset }, variant: VariantChoice, config: TrainConfig) {
  const gpu = await testGpu();
  gpus.push(gpu);
  const backend = await WebGpuBackend.create(gpu, classifierData(data));
  backend.setVariantChoice(variant);
  const init = zeroParams(paramLayout(data.train.features));
  const ours = await train(backend, data.train.count, init, config);
  const ref = await train(new CpuBackend(classifierData(data)), data.train.count, init, config);
  return { backend, ours, ref };
}

const VARIANTS: StepVariant[] = ['fused-32', 'fused-64', 'fused-256'];
const mnistSmall = { train: head(mnist().train, 503), test: head(mnist().test, 50) };

describe('every step variant follows the CPU reference', () => {
  test.each(VARIANTS.flatMap((variant) => [1, 7, 16].map((batchSize) => ({ variant, batchSize }))))(
    '$variant, batch $batchSize on MNIST (503 examples: a partial last batch)',
    async ({ variant, batchSize }) => {
      const { backend, ours, ref } = await compare(mnistSmall, variant, { batchSize, lr: 0.01 * batchSize, epochs: 1, recordEvery: 40, seed: 9 });
      expect(backend.variant!.note).toBe(`${variant} (forced)`);
      expect(ours.steps).toBe(ref.steps);
      expect(ours.params).toBeAllclose(ref.params, { atol: 2e-4, rtol: 1e-3 });
      expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-3 });
    },
  );

  test('an awkward shape: 20 features, 37 examples, batch 3', async () => {
    const rng = new Rng(4);
    const set = (count: number): Dataset => ({ images: randomImages(rng, count, 20), labels: randomLabels(rng, count), count, features: 20 });
    for (const variant of VARIANTS) {
      const { ours, ref } = await compare({ train: set(37), test: set(11) }, variant, { batchSize: 3, lr: 0.05, epochs: 3, recordEvery: 5, seed: 2 });
      expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
    }
  });

  const mnistLarge = { train: head(mnist().train, 1500), test: head(mnist().test, 50) };
  test.each([
    { variant: 'split-k-64', batchSize: 130 },
    { variant: 'split-k-64', batchSize: 1500 },
    { variant: 'split-k-512', batchSize: 1100 },
    { variant: 'split-k-512', batchSize: 20 },
    { variant: 'register-blocked', batchSize: 1500 },
    { variant: 'register-blocked', batchSize: 130 },
    { variant: 'register-blocked', batchSize: 20 },
  ] as const)('$variant, batch $batchSize on MNIST (1500 examples)', async ({ variant, batchSize }) => {
    const { backend, ours, ref } = await compare(mnistLarge, variant, { batchSize, lr: 0.5, epochs: 2, recordEvery: 5, seed: 3 });
    expect(backend.variant!.note).toBe(`${variant} (forced)`);
    expect(ours.params).toBeAllclose(ref.params, { atol: 2e-4, rtol: 1e-3 });
    expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-3 });
  });

  test('split-K on an awkward shape: 20 features, 301 examples, batch 150', async () => {
    const rng = new Rng(5);
    const set = (count: number): Dataset => ({ images: randomImages(rng, count, 20), labels: randomLabels(rng, count), count, features: 20 });
    const { ours, ref } = await compare({ train: set(301), test: set(11) }, 'split-k-64', { batchSize: 150, lr: 0.3, epochs: 3, recordEvery: 1, seed: 2 });
    expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
  });

  test('register-blocked on an awkward shape: 20 features (not a multiple of its 7-word blocks), 301 examples, batch 150', async () => {
    const rng = new Rng(6);
    const set = (count: number): Dataset => ({ images: randomImages(rng, count, 20), labels: randomLabels(rng, count), count, features: 20 });
    const { ours, ref } = await compare({ train: set(301), test: set(11) }, 'register-blocked', { batchSize: 150, lr: 0.3, epochs: 3, recordEvery: 1, seed: 2 });
    expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
  });

  test.each(['register-blocked', 'split-k-512', 'four-kernels'] as const)('%s run twice gives the same weights, bit for bit', async (variant) => {
    const config = { batchSize: 700, lr: 0.5, epochs: 2, recordEvery: 5, seed: 3 };
    const [a, b] = [await compare(mnistLarge, variant, config), await compare(mnistLarge, variant, config)];
    expect(new Uint32Array(b.ours.params.buffer)).toEqual(new Uint32Array(a.ours.params.buffer));
  });

  test('a fused variant asked for on large batches falls back to four kernels, and says so', async () => {
    const { backend } = await compare(mnistSmall, 'fused-64', { batchSize: 100, lr: 0.5, epochs: 1, recordEvery: 100, seed: 1 });
    expect(backend.variant!.note).toBe('four-kernels (fused-64 was asked for, but the fused step takes plain SGD on regular batches of at most 16)');
  });

  test('tune measures the candidates and records its choice', async () => {
    const { backend } = await compare(mnistSmall, 'tune', { batchSize: 1, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 });
    expect(backend.variant!.note).toMatch(/^(four-kernels|fused-\d+) \(measured over 48 steps, µs\/step: .*four-kernels \d+/);
    const big = await compare(mnistSmall, 'tune', { batchSize: 32, lr: 0.3, epochs: 1, recordEvery: 100, seed: 1 });
    // batch 32: too large for the fused step, too small for split-K, 8 rows per phase of the register-blocked gradient
    expect(big.backend.variant!.note).toMatch(/^(four-kernels|register-blocked) \(measured over 16 steps, µs\/step: four-kernels \d+, register-blocked \d+\)$/);
    // batch 200 is 4 chunks of 64 (a candidate) but 1 chunk of 512 (not one)
    const large = await compare(mnistLarge, 'tune', { batchSize: 200, lr: 0.5, epochs: 1, recordEvery: 100, seed: 1 });
    // and at least 2 rows per phase of the register-blocked gradient (a candidate)
    expect(large.backend.variant!.note).toMatch(/^(four-kernels|split-k-64|register-blocked) \(measured over 8 steps, µs\/step: four-kernels \d+, split-k-64 \d+, register-blocked \d+\)$/);
  });

  test('tune measures once per adapter and plan shape: a second engine of the same shape reuses the choice, as data', async () => {
    clearTuneCache();
    const first = await compare(mnistSmall, 'tune', { batchSize: 4, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 });
    const again = await compare(mnistSmall, 'tune', { batchSize: 4, lr: 0.02, epochs: 1, recordEvery: 100, seed: 2 });
    expect(first.backend.variant!.how).toBe('measured');
    expect(Object.keys(first.backend.variant!.timesUs!)).toEqual(['four-kernels', 'fused-32', 'fused-64', 'fused-256']);
    expect(again.backend.variant).toMatchObject({ variant: first.backend.variant!.variant, how: 'cached', timesUs: first.backend.variant!.timesUs });
    expect(again.backend.variant!.note).toMatch(/ \(measured earlier in this process on this adapter and plan shape, µs\/step: four-kernels \d+/);
    // another shape (batch 5) is measured afresh
    const other = await compare(mnistSmall, 'tune', { batchSize: 5, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 });
    expect(other.backend.variant!.how).toBe('measured');
  });

  test('auto follows a fixed rule of the batch and the adapter: no measurement, the same choice every time', async () => {
    for (const [batchSize, data, lr] of [[1, mnistSmall, 0.01], [16, mnistSmall, 0.1], [32, mnistSmall, 0.3], [200, mnistLarge, 0.5], [1000, mnistLarge, 0.5]] as const) {
      const { backend } = await compare(data, 'auto', { batchSize, lr, epochs: 1, recordEvery: 100, seed: 1 });
      const software = backend.adapter.software;
      const shape = { model: 'softmax-classifier', models: 1, largestBatch: batchSize, regularBatch: batchSize, plainSgd: true } as const;
      const expected = ruleVariant(candidates(shape), batchSize, software);
      expect(backend.stepVariant).toBe(expected);
      const note = `the rule for batch ${batchSize} on a (software|hardware) adapter; --step-variant tune measures instead`;
      expect(backend.variant!.note).toMatch(new RegExp(`^${expected} \\(${note}\\)$`));
    }
  });

  test.each([
    { batch: 60000, software: false, candidates: ['four-kernels', 'split-k-512', 'register-blocked'], expected: 'split-k-512' },
    { batch: 10, software: false, candidates: ['four-kernels', 'fused-32', 'fused-64', 'fused-256'], expected: 'fused-256' },
    { batch: 10, software: false, candidates: ['four-kernels'], expected: 'four-kernels' },
    { batch: 1000, software: false, candidates: ['four-kernels', 'split-k-64', 'split-k-512'], expected: 'split-k-64' },
    { batch: 60000, software: false, candidates: ['four-kernels', 'split-k-512'], expected: 'split-k-512' },
  ] as const)('the rule: batch $batch, software $software -> $expected', ({ batch, software, candidates, expected }) => {
    expect(ruleVariant(candidates, batch, software)).toBe(expected);
  });
});
