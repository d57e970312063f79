import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { gradientKernel } from '../../src/kernels/gradient';
import { CLASSES, paramLayout } from '../../src/model';
import { gradientRef } from '../../src/reference/gradient';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

async function check({ count, features, start, size }: Shape) {
  const rng = new Rng(count * 13 + size);
  const layout = paramLayout(features);
  const images = randomImages(rng, count, features);
  const order = permutation(count, rng);
  const dlogits = randomFloats(rng, size * CLASSES, 1);
  const [, , , grads] = await runKernel(gpu, gradientKernel, layout, { start, size }, [
    images, order, dlogits, { outputBytes: layout.paddedCount * 4 },
  ]);
  // a mean of `size` terms in [-1, 1], summed in f32 in index order: the error grows like
  // sqrt(size)·eps relative to the sum; the float64 reference has none
  expect(new Float32Array(grads!)).toBeAllclose(gradientRef(images, features, order, start, size, dlogits), { atol: 1e-6, rtol: 1e-4 });
}

describe('gradient (dW = dlogitsᵀ·X / B, db = Σ dlogits / B) matches its CPU reference', () => {
  test.each(SHAPES)('$name', check);
  test(FULL_MNIST.name, () => check(FULL_MNIST));
});
