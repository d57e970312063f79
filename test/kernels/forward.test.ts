import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { forwardKernel } from '../../src/kernels/forward';
import { CLASSES, paramLayout } from '../../src/model';
import { forwardRef } from '../../src/reference/forward';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

async function check({ count, features, start, size }: Shape) {
  const rng = new Rng(count * 31 + size);
  const layout = paramLayout(features);
  const images = randomImages(rng, count, features);
  const order = permutation(count, rng);
  const params = randomFloats(rng, layout.paddedCount, 0.1);
  const [, , , logits] = await runKernel(gpu, forwardKernel, layout, { start, size }, [
    images, order, params, { outputBytes: size * CLASSES * 4 },
  ]);
  // f32 dot products of up to 784 terms of magnitude <= 0.1: atol covers the rounding
  expect(new Float32Array(logits!)).toBeAllclose(forwardRef(images, features, order, start, size, params), { atol: 2e-5, rtol: 1e-5 });
}

describe('forward (logits = X·Wᵀ + b) matches its CPU reference', () => {
  test.each(SHAPES)('$name', check);
  test(FULL_MNIST.name, () => check(FULL_MNIST));
});
