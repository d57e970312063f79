/**
 * The stacked kernels (K models per dispatch) against K copies of the single-model references,
 * on awkward shapes; the update with a different optimiser per model.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { stackedForwardKernel } from '../../src/kernels/forward';
import { stackedGradientKernel } from '../../src/kernels/gradient';
import { modelStride } from '../../src/kernels/kernel';
import { stackedSoftmaxXentKernel } from '../../src/kernels/softmax-xent';
import { OPTIMIZER_CODES, stackedUpdateKernel } from '../../src/kernels/stacked';
import { CLASSES, paramLayout } from '../../src/model';
import { type OptimizerKind, SGD, adamCorrections } from '../../src/optim/optimizer';
import { adamUpdateRef } from '../../src/reference/adam-update';
import { momentumUpdateRef } from '../../src/reference/momentum-update';
import { sgdUpdateRef } from '../../src/reference/sgd-update';
import { stackedForwardRef, stackedGradientRef, stackedSoftmaxXentRef } from '../../src/reference/stacked';
import { Rng, permutation } from '../../src/train/rng';
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
    const batch = { start, size, lr: 0 };

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

  test('stacked_update: a different optimiser and rate per model, state carried over three updates', async () => {
    const layout = paramLayout(12);
    const stride = modelStride(layout);
    const kinds: OptimizerKind[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adam'];
    const lrs = [0.5, 0.1, 0.05, 0.01, 0.003];
    const models = kinds.length;
    const o = { ...SGD, momentum: 0.8 };
    const rng = new Rng(3);
    let params = randomFloats(rng, models * stride, 1);
    let s1 = new Float32Array(models * stride);
    let s2 = new Float32Array(models * stride);
    const ref = { params: params.slice(), s1: s1.slice(), s2: s2.slice() };
    const table = new Uint32Array(models * 4);
    const asFloat = new Float32Array(table.buffer);
    kinds.forEach((kind, k) => {
      asFloat[4 * k] = lrs[k]!;
      table[4 * k + 1] = OPTIMIZER_CODES[kind];
    });
    for (let t = 1; t <= 3; t++) {
      const grads = randomFloats(rng, models * stride, 1);
      const factor = 1 / t;
      const [c1, c2] = adamCorrections(o, t);
      const rates = new Float32Array(12).fill(NaN);
      rates.set([factor, c1, c2, 0], 4 * t - 4 + 0);
      const out = await runKernel(gpu, stackedUpdateKernel(models, o), layout, { start: 0, size: 1, lr: 0, index: t - 1 }, [rates, table, grads, s1, s2, params]);
      [s1, s2, params] = [new Float32Array(out[3]!), new Float32Array(out[4]!), new Float32Array(out[5]!)];
      const r = rates.subarray(4 * (t - 1));
      kinds.forEach((kind, k) => {
        const span = (a: Float32Array) => a.subarray(k * stride, (k + 1) * stride);
        const lr = Math.fround(Math.fround(lrs[k]!) * r[0]!);
        if (kind === 'sgd') sgdUpdateRef(span(ref.params), span(grads), lr);
        else if (kind === 'adam') adamUpdateRef(span(ref.params), span(ref.s1), span(ref.s2), span(grads), { lr, c1: r[1]!, c2: r[2]! }, o);
        else momentumUpdateRef(span(ref.params), span(ref.s1), span(grads), lr, o.momentum, kind === 'nesterov');
      });
      expect(params).toBeAllclose(ref.params, { atol: 1e-6, rtol: 1e-5 });
      expect(s1).toBeAllclose(ref.s1, { atol: 1e-6, rtol: 1e-5 });
      expect(s2).toBeAllclose(ref.s2, { atol: 1e-6, rtol: 1e-5 });
    }
  });
});
