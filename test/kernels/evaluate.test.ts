import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { evaluateKernel } from '../../src/kernels/evaluate';
import { CLASSES, paramLayout } from '../../src/model';
import { evaluateRef } from '../../src/reference/evaluate';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomLabels } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

async function check({ count, start, size }: Shape) {
  const rng = new Rng(count * 7 + size);
  const logits = randomFloats(rng, size * CLASSES, 4);
  const labels = randomLabels(rng, count);
  const order = permutation(count, rng);
  const groups = evaluateKernel.workgroups(size, paramLayout(4));
  const [, , , sums, confusion] = await runKernel(gpu, evaluateKernel, paramLayout(4), { start, size }, [
    logits, Uint32Array.from(labels), order, { outputBytes: groups * 4 }, new Uint32Array(CLASSES * CLASSES),
  ]);
  const ref = evaluateRef(logits, labels, order, start, size);
  expect(Array.from(new Uint32Array(confusion!))).toEqual(Array.from(ref.confusion));
  const lossSum = new Float32Array(sums!).reduce((a, x) => a + x, 0);
  // per-workgroup f32 tree sums of up to 256 losses, then a float64 sum
  expect([lossSum]).toBeAllclose([ref.lossSum], { atol: 1e-4, rtol: 1e-5 });
}

describe('evaluate (loss sums and confusion matrix) matches its CPU reference', () => {
  test.each(SHAPES)('$name', check);
  test(FULL_MNIST.name, () => check(FULL_MNIST));
});
