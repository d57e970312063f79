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
import { paramLayout, zeroParams } from '../../src/model';
import { Rng } from '../../src/rng';
import { type TrainConfig, train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';
import { randomImages, randomLabels } from '../helpers/random';

type Sets = { train: Dataset; test: Dataset };

/**
 * One engine per data set, reused by every test on it (the plan, and the variant with it, is
 * chosen again at each run): a device costs its pipelines' compilation, in seconds on SwiftShader.
 */
const engines = new Map<Sets, WebGpuBackend>();
afterAll(async () => {
  for (const engine of engines.values()) await engine.destroy();
});

async function engineFor(data: Sets): Promise<WebGpuBackend> {
  const engine = engines.get(data) ?? (await WebGpuBackend.create(await testGpu(), classifierData(data)));
  engines.set(data, engine);
  return engine;
}

/** Trains on WebGPU with `variant` (on the data's shared engine, or on `engine`); how the steps ran comes back as data. */
async function trainWith(data: Sets, variant: VariantChoice, config: TrainConfig, engine?: WebGpuBackend) {
  const backend = engine ?? (await engineFor(data));
  backend.setVariantChoice(variant);
  const ours = await train(backend, data.train.count, zeroParams(paramLayout(data.train.features)), config);
  return { variant: backend.variant!, software: backend.adapter.software, ours };
}

/** The same on WebGPU and on the CPU reference. */
async function compare(data: Sets, variant: VariantChoice, config: TrainConfig) {
  const ref = await train(new CpuBackend(classifierData(data)), data.train.count, zeroParams(paramLayout(data.train.features)), config);
  return { ...(await trainWith(data, variant, config)), ref };
}

/** A data set of its own on an engine of its own, destroyed after `body`. */
async function withOwnEngine<T>(data: Sets, body: (engine: WebGpuBackend) => Promise<T>): Promise<T> {
  const engine = await WebGpuBackend.create(await testGpu(), classifierData(data));
  try {
    return await body(engine);
  } finally {
    await engine.destroy();
  }
}

const VARIANTS: StepVariant[] = ['fused-32', 'fused-64', 'fused-256'];
/** sizes chosen so that batches 7, 16, 20 and 130 end with a partial batch */
const mnistTiny = { train: head(mnist().train, 60), test: head(mnist().test, 20) };
const mnistSmall = { train: head(mnist().train, 199), test: head(mnist().test, 50) };
const mnistMid = { train: head(mnist().train, 410), test: head(mnist().test, 50) };
const mnistLarge = { train: head(mnist().train, 1500), test: head(mnist().test, 50) };

function awkward(seed: number, trainCount: number): Sets {
  const rng = new Rng(seed);
  const set = (count: number): Dataset => ({ images: randomImages(rng, count, 20), labels: randomLabels(rng, count), count, features: 20 });
  return { train: set(trainCount), test: set(11) };
}

describe('every step variant follows the CPU reference', () => {
  test.each(VARIANTS.flatMap((variant) => [1, 7, 16].map((batchSize) => ({ variant, batchSize }))))(
    '$variant, batch $batchSize on MNIST (199 examples: a partial last batch)',
    async ({ variant, batchSize }) => {
      const { variant: report, ours, ref } = await compare(mnistSmall, variant, { batchSize, lr: 0.01 * batchSize, epochs: 1, recordEvery: 40, seed: 9 });
      expect(report.note).toBe(`${variant} (forced)`);
      expect(ours.steps).toBe(ref.steps);
      expect(ours.params).toBeAllclose(ref.params, { atol: 2e-4, rtol: 1e-3 });
      expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-3 });
    },
  );

  test('an awkward shape: 20 features, 37 examples, batch 3', async () => {
    const data = awkward(4, 37);
    for (const variant of VARIANTS) {
      const { ours, ref } = await compare(data, variant, { batchSize: 3, lr: 0.05, epochs: 3, recordEvery: 5, seed: 2 });
      expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
    }
  });

  test.each([
    { variant: 'split-k-64', batchSize: 130, data: mnistMid },
    { variant: 'split-k-64', batchSize: 1500, data: mnistLarge },
    { variant: 'split-k-512', batchSize: 1100, data: mnistLarge },
    { variant: 'split-k-512', batchSize: 20, data: mnistMid },
    { variant: 'register-blocked', batchSize: 1500, data: mnistLarge },
    { variant: 'register-blocked', batchSize: 130, data: mnistMid },
    { variant: 'register-blocked', batchSize: 20, data: mnistMid },
  ] as const)('$variant, batch $batchSize on MNIST ($data.train.count examples)', async ({ variant, batchSize, data }) => {
    const { variant: report, ours, ref } = await compare(data, variant, { batchSize, lr: 0.5, epochs: 2, recordEvery: 5, seed: 3 });
    expect(report.note).toBe(`${variant} (forced)`);
    expect(ours.params).toBeAllclose(ref.params, { atol: 2e-4, rtol: 1e-3 });
    expect(ours.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-4, rtol: 1e-3 });
  });

  test('split-K on an awkward shape: 20 features, 301 examples, batch 150', async () => {
    const { ours, ref } = await compare(awkward(5, 301), 'split-k-64', { batchSize: 150, lr: 0.3, epochs: 3, recordEvery: 1, seed: 2 });
    expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
  });

  test('register-blocked on an awkward shape: 20 features (not a multiple of its 7-word blocks), 301 examples, batch 150', async () => {
    const { ours, ref } = await compare(awkward(6, 301), 'register-blocked', { batchSize: 150, lr: 0.3, epochs: 3, recordEvery: 1, seed: 2 });
    expect(ours.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
  });

  test.each(['register-blocked', 'split-k-512', 'four-kernels'] as const)('%s run twice, on two engines, gives the same weights, bit for bit', async (variant) => {
    const config = { batchSize: 700, lr: 0.5, epochs: 2, recordEvery: 5, seed: 3 };
    const a = await trainWith(mnistLarge, variant, config);
    const b = await withOwnEngine(mnistLarge, (engine) => trainWith(mnistLarge, variant, config, engine));
    expect(new Uint32Array(b.ours.params.buffer)).toEqual(new Uint32Array(a.ours.params.buffer));
  });

  test('a fused variant asked for on large batches falls back to four kernels, and says so', async () => {
    const { variant } = await trainWith(mnistSmall, 'fused-64', { batchSize: 100, lr: 0.5, epochs: 1, recordEvery: 100, seed: 1 });
    expect(variant.note).toBe('four-kernels (fused-64 was asked for, but the fused step runs the classifier alone with plain SGD, at batch sizes 1 to 16)');
  });

  test('tune measures the candidates and records its choice', async () => {
    const { variant } = await trainWith(mnistTiny, 'tune', { batchSize: 1, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 });
    expect(variant.note).toMatch(/^(four-kernels|fused-\d+) \(measured over 48 steps, µs\/step: .*four-kernels \d+/);
    const big = await trainWith(mnistSmall, 'tune', { batchSize: 32, lr: 0.3, epochs: 1, recordEvery: 100, seed: 1 });
    // batch 32: too large for the fused step, too small for split-K, 8 rows per phase of the register-blocked gradient
    expect(big.variant.note).toMatch(/^(four-kernels|register-blocked) \(measured over 7 steps, µs\/step: four-kernels \d+, register-blocked \d+\)$/);
    // batch 200 is 4 chunks of 64 (a candidate) but 1 chunk of 512 (not one)
    const large = await trainWith(mnistMid, 'tune', { batchSize: 200, lr: 0.5, epochs: 1, recordEvery: 100, seed: 1 });
    // and at least 2 rows per phase of the register-blocked gradient (a candidate)
    expect(large.variant.note).toMatch(/^(four-kernels|split-k-64|register-blocked) \(measured over 3 steps, µs\/step: four-kernels \d+, split-k-64 \d+, register-blocked \d+\)$/);
  });

  test('tune measures once per adapter and plan shape: a second engine of the same shape reuses the choice, as data', async () => {
    clearTuneCache();
    const data = { train: head(mnist().train, 60), test: head(mnist().test, 20) };
    const first = await withOwnEngine(data, (engine) => trainWith(data, 'tune', { batchSize: 4, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 }, engine));
    const again = await withOwnEngine(data, (engine) => trainWith(data, 'tune', { batchSize: 4, lr: 0.02, epochs: 1, recordEvery: 100, seed: 2 }, engine));
    expect(first.variant.how).toBe('measured');
    expect(Object.keys(first.variant.timesUs!)).toEqual(['four-kernels', 'fused-32', 'fused-64', 'fused-256']);
    expect(again.variant).toMatchObject({ variant: first.variant.variant, how: 'cached', timesUs: first.variant.timesUs });
    expect(again.variant!.note).toMatch(/ \(measured earlier in this process on this adapter and plan shape, µs\/step: four-kernels \d+/);
    // another shape (batch 5) is measured afresh
    const other = await trainWith(mnistTiny, 'tune', { batchSize: 5, lr: 0.01, epochs: 1, recordEvery: 100, seed: 1 });
    expect(other.variant.how).toBe('measured');
  });

  test('auto follows a fixed rule of the batch and the adapter: no measurement, the same choice every time', async () => {
    for (const [batchSize, data, lr] of [[1, mnistTiny, 0.01], [16, mnistTiny, 0.1], [32, mnistTiny, 0.3], [200, mnistMid, 0.5], [1000, mnistLarge, 0.5]] as const) {
      const { variant, software } = await trainWith(data, 'auto', { batchSize, lr, epochs: 1, recordEvery: 100, seed: 1 });
      const shape = { model: 'softmax-classifier', models: 1, batchSize, plainSgd: true } as const;
      const expected = ruleVariant(candidates(shape), batchSize, software);
      expect(variant.variant).toBe(expected);
      const note = `the rule for batch ${batchSize} on a (software|hardware) adapter; --step-variant tune measures instead`;
      expect(variant.note).toMatch(new RegExp(`^${expected} \\(${note}\\)$`));
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
