/**
 * The acceptance check: the default configuration (batch 100, the default rate derived from the
 * data, 5 epochs, seed 1) trains on the real MNIST training set to at least 92% test accuracy on
 * WebGPU (SwiftShader in CI).
 * Training loss is recorded once per epoch here to keep the test short.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { paramLayout, zeroParams } from '../../src/model';
import { SGD } from '../../src/optim/optimizer';
import { defaultRate } from '../../src/train/default-rate';
import { train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { mnist } from '../helpers/mnist';

const data = mnist();
let backend: WebGpuBackend;
beforeAll(async () => (backend = await WebGpuBackend.create(await testGpu(), classifierData(data))));
afterAll(async () => backend?.destroy());

test('default configuration reaches >= 92% test accuracy on real MNIST', async () => {
  const r = await train(backend, data.train.count, zeroParams(paramLayout(784)), {
    batchSize: 100, lr: defaultRate(classifierData(data), SGD, 100).lr, epochs: 5, seed: 1, recordEvery: 600,
  });
  const test = await backend.evaluate(0, 'test');
  expect(test.count).toBe(10000);
  expect(test.accuracy).toBeGreaterThanOrEqual(0.92);
  expect(r.history.map((h) => h.loss).every((l, i, a) => i === 0 || l < a[i - 1]!)).toBe(true);
}, 300_000);
