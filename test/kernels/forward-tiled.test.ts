/**
 * forward_tiled.wgsl (R rows per thread) against the float64 reference on every shape, for every
 * tile the engine uses and awkward ones (1, a prime, a tile wider than the batch), stacked too;
 * and bit for bit against forward.wgsl on the same inputs on a software adapter (the same f32
 * operations in the same order). The full 60000×784 runs the tile the engine runs at that size.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { forwardKernel, stackedForwardKernel } from '../../src/kernels/forward';
import { FORWARD_TILES, forwardFor, tiledForwardKernel } from '../../src/kernels/forward-tiled';
import { modelStride } from '../../src/kernels/kernel';
import { CLASSES, paramLayout } from '../../src/model';
import { forwardRef } from '../../src/reference/forward';
import { stackedForwardRef } from '../../src/reference/stacked';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape, perShape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

const TILES = [1, 7, ...FORWARD_TILES, 64];
/** the tile forwardFor gives 60000 rows (the other tiles' arithmetic is checked on SHAPES) */
const FULL_SIZE_TILE = FORWARD_TILES[FORWARD_TILES.length - 1]!;

/** The same inputs, reference and forward.wgsl output for every tile of a shape. */
const inputs = perShape(({ count, features, size }: Shape) => {
  const rng = new Rng(count * 31 + size);
  const layout = paramLayout(features);
  return { layout, images: randomImages(rng, count, features), order: permutation(count, rng), params: randomFloats(rng, layout.paddedCount, 0.1) };
});

const reference = perShape((shape: Shape) => {
  const { images, order, params } = inputs(shape);
  return forwardRef(images, shape.features, order, shape.start, shape.size, params);
});

const plainForward = perShape(async (shape: Shape) => {
  const { layout, images, order, params } = inputs(shape);
  const [, , , plain] = await runKernel(gpu, forwardKernel, layout, { start: shape.start, size: shape.size }, [images, order, params, { outputBytes: shape.size * CLASSES * 4 }]);
  return new Uint32Array(plain!);
});

async function check(shape: Shape, tile: number) {
  const { start, size } = shape;
  const { layout, images, order, params } = inputs(shape);
  const batch = { start, size };
  const [, , , tiled] = await runKernel(gpu, tiledForwardKernel(tile), layout, batch, [images, order, params, { outputBytes: size * CLASSES * 4 }]);
  // f32 dot products of up to 784 terms of magnitude <= 0.1, as forward.test.ts
  expect(new Float32Array(tiled!)).toBeAllclose(reference(shape), { atol: 2e-5, rtol: 1e-5 });
  if (!gpu.adapter.software) return;
  expect(new Uint32Array(tiled!)).toEqual(await plainForward(shape));
}

describe('forward_tiled matches its CPU reference, and forward.wgsl bit for bit on a software adapter', () => {
  test.each(SHAPES.flatMap((s) => TILES.map((tile) => ({ ...s, tile }))))('$name, $tile rows per thread', (c) => check(c, c.tile));
  test.each([{ ...FULL_MNIST, tile: FULL_SIZE_TILE }])('$name, $tile rows per thread (the engine\'s tile at that size)', async (c) => {
    expect(forwardFor(1, c.size, true).name).toBe(tiledForwardKernel(c.tile).name);
    await check(c, c.tile);
  });

  test('3 stacked models, batch 65 of 784 features: each model as alone', async () => {
    const shape = SHAPES[5]!;
    const models = 3;
    const layout = paramLayout(784);
    const rng = new Rng(8);
    const images = randomImages(rng, 130, 784);
    const order = permutation(130, rng);
    const stride = modelStride(layout);
    const params = randomFloats(rng, models * stride, 0.1);
    const batch = { start: shape.start, size: shape.size };
    const out = { outputBytes: shape.size * models * CLASSES * 4 };
    const [, , , tiled] = await runKernel(gpu, tiledForwardKernel(8, models), layout, batch, [images, order, params, out]);
    expect(new Float32Array(tiled!)).toBeAllclose(stackedForwardRef(images, 784, order, shape.start, shape.size, params, models, stride, layout.paddedCount), { atol: 2e-5, rtol: 1e-5 });
    const [, , , plain] = await runKernel(gpu, stackedForwardKernel(models), layout, batch, [images, order, params, out]);
    if (gpu.adapter.software) expect(new Uint32Array(tiled!)).toEqual(new Uint32Array(plain!));
  });
});
