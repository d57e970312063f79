/**
 * The stacked kernels (K models per dispatch) against K copies of the single-model references,
 * on awkward shapes (the update with K models: update.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { stackedForwardKernel } from '../../src/kernels/forward';
import { stackedGradientKernel } from '../../src/kernels/gradient';
import { gradientPartialKernel, splitChunks } from '../../src/kernels/gradient-partial';
import { modelStride } from '../../src/kernels/kernel';
import { stackedSoftmaxXentKernel } from '../../src/kernels/softmax-xent';
import { CLASSES, paramLayout } from '../../src/model';
import { gradientPartialRef } from '../../src/reference/gradient-split';
import { stackedForwardRef, stackedGradientRef, stackedSoftmaxXentRef } from '../../src/reference/stacked';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages, randomLabels } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

const SHAPES = [
  { count: 20, features: 12, start: 5, size: 7, models: 3 },
  { count: 130, features: 784, start: 65, size: 65, models: 4 },
  { count: 300, features: 28, start: 0, size: 300, models: 1 },
];

describe('stacked kernels match K copies of the single-model references', () => {
  test.each(SHAPES)('$models models, batch [$start, +$size) of $count x $features', async ({ count, features, start, size, models }) => {
    const rng = new Rng(count + models);
    const layout = paramLayout(features);
    const stride = modelStride(layout);
    const images = randomImages(rng, count, features);
    const labels = randomLabels(rng, count);
    const order = permutation(count, rng);
    const params = new Float32Array(models * stride);
    for (let k = 0; k < models; k++) params.set(randomFloats(rng, layout.count, 0.05), k * stride);
    const batch = { start, size };

    const [, , , logits] = await runKernel(gpu, stackedForwardKernel(models), layout, batch, [images, order, params, { outputBytes: size * models * CLASSES * 4 }]);
    const logitsRef = stackedForwardRef(images, features, order, start, size, params, models, stride, layout.paddedCount);
    expect(new Float32Array(logits!)).toBeAllclose(logitsRef, { atol: 1e-5, rtol: 1e-5 });

    const l32 = new Float32Array(logitsRef);
    const [, , , loss, dlogits] = await runKernel(gpu, stackedSoftmaxXentKernel(models, count), layout, batch, [l32, Uint32Array.from(labels), order, { outputBytes: models * count * 4 }, { outputBytes: size * models * CLASSES * 4 }]);
    const sx = stackedSoftmaxXentRef(l32, labels, order, start, size, models, count);
    const lossGpu = new Float32Array(loss!);
    for (let k = 0; k < models; k++) expect(lossGpu.subarray(k * count + start, k * count + start + size)).toBeAllclose(sx.loss.subarray(k * count + start, k * count + start + size), { atol: 1e-5, rtol: 1e-5 });
    expect(new Float32Array(dlogits!)).toBeAllclose(sx.dlogits, { atol: 1e-6, rtol: 1e-5 });

    const d32 = new Float32Array(sx.dlogits);
    const [, , , grads] = await runKernel(gpu, stackedGradientKernel(models), layout, batch, [images, order, d32, { outputBytes: models * stride * 4 }]);
    const gRef = stackedGradientRef(images, features, order, start, size, d32, models, stride);
    const gGpu = new Float32Array(grads!);
    for (let k = 0; k < models; k++) expect(gGpu.subarray(k * stride, k * stride + layout.paddedCount)).toBeAllclose(gRef.subarray(k * stride, k * stride + layout.paddedCount), { atol: 1e-6, rtol: 1e-4 });
  });

  test.each([7, 64])('gradient.wgsl split into chunks of %i rows, 3 models: slot q·K + k is chunk q of model k', async (chunk) => {
    const [count, features, start, size, models] = [300, 28, 11, 257, 3];
    const rng = new Rng(chunk);
    const layout = paramLayout(features);
    const images = randomImages(rng, count, features);
    const order = permutation(count, rng);
    const dlogits = randomFloats(rng, size * models * CLASSES, 1);
    const chunks = splitChunks(size, chunk);
    const P = layout.paddedCount;
    const [, , , partials] = await runKernel(gpu, gradientPartialKernel(chunk, models), layout, { start, size }, [images, order, dlogits, { outputBytes: chunks * models * P * 4 }]);
    const out = new Float32Array(partials!);
    for (let k = 0; k < models; k++) {
      const mine = Float32Array.from({ length: size * CLASSES }, (_, j) => dlogits[(Math.floor(j / CLASSES) * models + k) * CLASSES + (j % CLASSES)]!);
      const ref = gradientPartialRef(images, features, order, start, size, mine, chunk);
      for (let q = 0; q < chunks; q++) {
        const slot = (q * models + k) * P;
        expect(out.subarray(slot, slot + P)).toBeAllclose(ref.subarray(q * P, (q + 1) * P), { atol: 1e-5, rtol: 1e-4 });
      }
    }
  });
});
