import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { softmaxXentKernel } from '../../src/kernels/softmax-xent';
import { CLASSES, paramLayout } from '../../src/model';
import { softmaxXentRef } from '../../src/reference/softmax-xent';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomLabels } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

async function check({ count, start, size }: Shape, logitScale = 5) {
  const rng = new Rng(count * 17 + size);
  const logits = randomFloats(rng, size * CLASSES, logitScale);
  const labels = randomLabels(rng, count);
  const order = permutation(count, rng);
  const [, , , loss, dlogits] = await runKernel(gpu, softmaxXentKernel, paramLayout(4), { start, size }, [
    logits, Uint32Array.from(labels), order, { outputBytes: (start + size) * 4 }, { outputBytes: size * CLASSES * 4 },
  ]);
  const ref = softmaxXentRef(logits, labels, order, start, size);
  // the loss of batch row i lands at epoch position start + i; positions before start are untouched
  const all = new Float32Array(loss!);
  expect(all.subarray(start)).toBeAllclose(ref.loss, { atol: 1e-5, rtol: 1e-5 });
  expect(all.subarray(0, start).every(Number.isNaN)).toBe(true);
  expect(new Float32Array(dlogits!)).toBeAllclose(ref.dlogits, { atol: 1e-6, rtol: 1e-5 });
}

describe('softmax_xent (loss, softmax - onehot) matches its CPU reference', () => {
  test.each(SHAPES)('$name', (shape) => check(shape));
  test(FULL_MNIST.name, () => check(FULL_MNIST));
  // without the max subtracted, exp(±200) overflows f32 and the loss becomes inf or NaN
  test('large logits (±200) stay finite', () => check({ name: 'large', count: 65, features: 4, start: 0, size: 65 }, 200));
});
