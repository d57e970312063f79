import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { sgdUpdateKernel } from '../../src/kernels/sgd-update';
import { paramLayout } from '../../src/model';
import { sgdUpdateRef } from '../../src/reference/sgd-update';
import { Rng } from '../../src/train/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

describe('sgd_update (params -= lr·grads) matches its CPU reference', () => {
  test.each([
    { features: 4, lr: 0.5 },
    { features: 12, lr: 1e-3 },
    { features: 784, lr: 0.1 },
  ])('$features features, lr $lr', async ({ features, lr }) => {
    const rng = new Rng(features);
    const layout = paramLayout(features);
    const params = randomFloats(rng, layout.paddedCount, 1);
    const grads = randomFloats(rng, layout.paddedCount, 1);
    const [, out] = await runKernel(gpu, sgdUpdateKernel, layout, { start: 0, size: 1, lr }, [grads, params]);
    const expected = params.slice();
    sgdUpdateRef(expected, grads, lr);
    expect(new Float32Array(out!)).toBeAllclose(expected, { atol: 1e-7, rtol: 1e-6 });
  });
});
