import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { modelStride } from '../../src/kernels/kernel';
import {
  linearForwardKernel, linearGradientKernel, squaredErrorKernel,
  stackedLinearForwardKernel, stackedLinearGradientKernel, stackedSquaredErrorKernel,
} from '../../src/kernels/linear-regression';
import { linearLayout } from '../../src/model';
import { linearForwardRef, linearGradientRef, squaredErrorRef } from '../../src/reference/linear-regression';
import { stackedLinearForwardRef, stackedLinearGradientRef, stackedSquaredErrorRef } from '../../src/reference/stacked';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

// feature counts that are not multiples of 4, batches around the workgroup size, offsets into the order
const SHAPES = [
  { count: 1, dims: 1, start: 0, size: 1 },
  { count: 20, dims: 3, start: 5, size: 7 },
  { count: 100, dims: 13, start: 10, size: 63 },
  { count: 64, dims: 7, start: 0, size: 64 },
  { count: 130, dims: 100, start: 65, size: 65 },
  { count: 600, dims: 5, start: 101, size: 257 },
  { count: 60000, dims: 10, start: 0, size: 60000 },
];

describe('linear-regression kernels match their CPU references', () => {
  test.each(SHAPES)('$count rows, $dims features, batch [$start, +$size)', async ({ count, dims, start, size }) => {
    const rng = new Rng(count + dims + size);
    const layout = linearLayout(dims);
    const features = randomFloats(rng, count * dims, 2);
    const targets = randomFloats(rng, count, 3);
    const order = permutation(count, rng);
    const params = randomFloats(rng, layout.paddedCount, 1).fill(0, layout.count);
    const batch = { start, size };

    const [, , , pred] = await runKernel(gpu, linearForwardKernel, layout, batch, [features, order, params, { outputBytes: size * 4 }]);
    const predRef = linearForwardRef(features, dims, order, start, size, params);
    expect(new Float32Array(pred!)).toBeAllclose(predRef, { atol: 1e-5, rtol: 1e-5 });

    const p32 = new Float32Array(predRef);
    const [, , , residual, loss] = await runKernel(gpu, squaredErrorKernel, layout, batch, [p32, targets, order, { outputBytes: size * 4 }, { outputBytes: (start + size) * 4 }]);
    const se = squaredErrorRef(p32, targets, order, start, size);
    expect(new Float32Array(residual!)).toBeAllclose(se.residual, { atol: 1e-6, rtol: 1e-6 });
    expect(new Float32Array(loss!).subarray(start)).toBeAllclose(se.loss, { atol: 1e-6, rtol: 1e-5 });

    const r32 = new Float32Array(se.residual);
    const [, , , grads] = await runKernel(gpu, linearGradientKernel, layout, batch, [features, order, r32, { outputBytes: layout.paddedCount * 4 }]);
    // a mean of `size` terms summed in f32 in index order
    expect(new Float32Array(grads!)).toBeAllclose(linearGradientRef(features, dims, order, start, size, r32), { atol: 1e-5, rtol: 1e-4 });
  });
});

// K configurations stacked at modelStride, against K copies of the references
const STACKED = [
  { count: 20, dims: 3, start: 5, size: 7, models: 3 },
  { count: 130, dims: 100, start: 65, size: 65, models: 2 },
  { count: 300, dims: 13, start: 0, size: 257, models: 5 },
  { count: 1, dims: 1, start: 0, size: 1, models: 7 },
];

describe('linear-regression kernels with K models match K copies of their CPU references', () => {
  test.each(STACKED)('$models models, $count rows, $dims features, batch [$start, +$size)', async ({ count, dims, start, size, models }) => {
    const rng = new Rng(count + dims + size + models);
    const layout = linearLayout(dims);
    const stride = modelStride(layout);
    const features = randomFloats(rng, count * dims, 2);
    const targets = randomFloats(rng, count, 3);
    const order = permutation(count, rng);
    const params = new Float32Array(models * stride);
    for (let k = 0; k < models; k++) params.set(randomFloats(rng, layout.count, 1), k * stride);
    const batch = { start, size };

    const [, , , pred] = await runKernel(gpu, stackedLinearForwardKernel(models), layout, batch, [features, order, params, { outputBytes: size * models * 4 }]);
    const predRef = stackedLinearForwardRef(features, dims, order, start, size, params, models, stride);
    expect(new Float32Array(pred!)).toBeAllclose(predRef, { atol: 1e-5, rtol: 1e-5 });

    const p32 = new Float32Array(predRef);
    const [, , , residual, loss] = await runKernel(gpu, stackedSquaredErrorKernel(models, count), layout, batch, [p32, targets, order, { outputBytes: size * models * 4 }, { outputBytes: models * count * 4 }]);
    const se = stackedSquaredErrorRef(p32, targets, order, start, size, models, count);
    expect(new Float32Array(residual!)).toBeAllclose(se.residual, { atol: 1e-6, rtol: 1e-6 });
    const lossGpu = new Float32Array(loss!);
    for (let k = 0; k < models; k++) {
      const [from, to] = [k * count + start, k * count + start + size];
      expect(lossGpu.subarray(from, to)).toBeAllclose(se.loss.subarray(from, to), { atol: 1e-6, rtol: 1e-5 });
    }

    const r32 = new Float32Array(se.residual);
    const [, , , grads] = await runKernel(gpu, stackedLinearGradientKernel(models), layout, batch, [features, order, r32, { outputBytes: models * stride * 4 }]);
    // every element of every stride written: the padding too (0)
    expect(new Float32Array(grads!)).toBeAllclose(stackedLinearGradientRef(features, dims, order, start, size, r32, models, stride), { atol: 1e-5, rtol: 1e-4 });
  });
});

// the objective's variants: mse (LOSS_FACTOR 2) and no intercept (INTERCEPT 0), alone and stacked
const OBJECTIVES = [
  { loss: 'mse', intercept: true, count: 20, dims: 3, start: 5, size: 7, models: 1 },
  { loss: 'half-mse', intercept: false, count: 100, dims: 13, start: 10, size: 63, models: 1 },
  { loss: 'mse', intercept: false, count: 130, dims: 1, start: 65, size: 65, models: 1 },
  { loss: 'mse', intercept: false, count: 300, dims: 7, start: 0, size: 257, models: 3 },
] as const;

describe('squared_error with mse and linear_gradient without an intercept match their references', () => {
  test.each(OBJECTIVES)('$loss, intercept $intercept, $models models, $count rows, $dims features, batch [$start, +$size)', async ({ loss: kind, intercept, count, dims, start, size, models }) => {
    const rng = new Rng(count * 7 + dims + models);
    const layout = linearLayout(dims);
    const stride = modelStride(layout);
    const features = randomFloats(rng, count * dims, 2);
    const targets = randomFloats(rng, count, 3);
    const order = permutation(count, rng);
    const pred = randomFloats(rng, size * models, 4);
    const batch = { start, size };
    const factor = kind === 'mse' ? 2 : 1;

    const [, , , residual, loss] = await runKernel(gpu, stackedSquaredErrorKernel(models, count, kind), layout, batch, [pred, targets, order, { outputBytes: size * models * 4 }, { outputBytes: models * count * 4 }]);
    const se = stackedSquaredErrorRef(pred, targets, order, start, size, models, count, factor);
    expect(new Float32Array(residual!)).toBeAllclose(se.residual, { atol: 1e-6, rtol: 1e-6 });
    const lossGpu = new Float32Array(loss!);
    for (let k = 0; k < models; k++) {
      const [from, to] = [k * count + start, k * count + start + size];
      expect(lossGpu.subarray(from, to)).toBeAllclose(se.loss.subarray(from, to), { atol: 1e-6, rtol: 1e-5 });
    }
    // mse is exactly twice half-mse: the factor is a power of two
    const half = stackedSquaredErrorRef(pred, targets, order, start, size, models, count, 1);
    expect(Array.from(se.residual, (r, i) => r / half.residual[i]!).filter((q) => Number.isFinite(q) && q !== factor)).toEqual([]);

    const r32 = new Float32Array(se.residual);
    const [, , , grads] = await runKernel(gpu, stackedLinearGradientKernel(models, intercept), layout, batch, [features, order, r32, { outputBytes: models * stride * 4 }]);
    const ref = stackedLinearGradientRef(features, dims, order, start, size, r32, models, stride, intercept);
    expect(new Float32Array(grads!)).toBeAllclose(ref, { atol: 1e-5, rtol: 1e-4 });
    // without an intercept, b's gradient is exactly 0 in every model; with one, it is not
    for (let k = 0; k < models; k++) expect(new Float32Array(grads!)[k * stride + dims] === 0).toBe(!intercept);
  });
});
