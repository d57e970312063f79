import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { gradientPartialKernel, partialsBytes, SPLIT_CHUNKS, splitChunks } from '../../src/kernels/gradient-partial';
import { gradientReduceKernel } from '../../src/kernels/gradient-reduce';
import { CLASSES, paramLayout } from '../../src/model';
import { gradientRef } from '../../src/reference/gradient';
import { gradientPartialRef, gradientReduceRef } from '../../src/reference/gradient-split';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape, perShape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

/** the backend's chunk sizes, and awkward ones: 1 (a chunk per row), a prime, one above a workgroup */
const CHUNKS = [1, 7, 65, ...SPLIT_CHUNKS];

/** The same inputs for every chunk size of a shape. */
const inputs = perShape(({ count, features, size }: Shape) => {
  const rng = new Rng(count * 31 + size);
  return {
    layout: paramLayout(features),
    images: randomImages(rng, count, features),
    order: permutation(count, rng),
    dlogits: randomFloats(rng, size * CLASSES, 1),
  };
});

const gradientOf = perShape((shape: Shape) => {
  const { images, order, dlogits } = inputs(shape);
  return gradientRef(images, shape.features, order, shape.start, shape.size, dlogits);
});

async function checkPartial(shape: Shape, chunk: number) {
  const { start, size, features } = shape;
  const { layout, images, order, dlogits } = inputs(shape);
  const chunks = splitChunks(size, chunk);
  const [, , , partials] = await runKernel(gpu, gradientPartialKernel(chunk), layout, { start, size }, [
    images, order, dlogits, { outputBytes: partialsBytes(chunks, layout) },
  ]);
  // each chunk is a sum of at most `chunk` terms in [-1, 1], in f32, in index order
  expect(new Float32Array(partials!)).toBeAllclose(gradientPartialRef(images, features, order, start, size, dlogits, chunk), { atol: 1e-5, rtol: 1e-4 });
}

async function checkReduce(shape: Shape, chunk: number, software: boolean) {
  const { start, size } = shape;
  const layout = paramLayout(shape.features);
  const chunks = splitChunks(size, chunk);
  const partials = randomFloats(new Rng(size + chunk), chunks * layout.paddedCount, 50);
  const [, grads] = await runKernel(gpu, gradientReduceKernel(chunk, software), layout, { start, size }, [partials, { outputBytes: layout.paddedCount * 4 }]);
  expect(new Float32Array(grads!)).toBeAllclose(gradientReduceRef(partials, chunks, layout.paddedCount, size), { atol: 1e-6, rtol: 1e-4 });
}

/** partial then reduce on the GPU, against the single-pass reference: the split changes nothing */
async function checkComposed(shape: Shape, chunk: number) {
  const { start, size } = shape;
  const { layout, images, order, dlogits } = inputs(shape);
  const [, , , partials] = await runKernel(gpu, gradientPartialKernel(chunk), layout, { start, size }, [
    images, order, dlogits, { outputBytes: partialsBytes(splitChunks(size, chunk), layout) },
  ]);
  const [, grads] = await runKernel(gpu, gradientReduceKernel(chunk, false), layout, { start, size }, [new Float32Array(partials!), { outputBytes: layout.paddedCount * 4 }]);
  expect(new Float32Array(grads!)).toBeAllclose(gradientOf(shape), { atol: 1e-6, rtol: 1e-4 });
}

const cases = SHAPES.flatMap((shape) => CHUNKS.map((chunk) => ({ ...shape, chunk })));

describe('split-K gradient matches its CPU references', () => {
  test.each(cases)('gradient_partial: $name, chunk $chunk', (c) => checkPartial(c, c.chunk));
  test.each(cases)('gradient_reduce: $name, chunk $chunk', (c) => checkReduce(c, c.chunk, false));
  test.each(cases)('gradient_reduce, a software adapter\'s few workgroups: $name, chunk $chunk', (c) => checkReduce(c, c.chunk, true));
  test.each(SPLIT_CHUNKS.map((chunk) => ({ ...FULL_MNIST, chunk })))('partial then reduce equals the gradient: $name, chunk $chunk', (c) => checkComposed(c, c.chunk));
  test('partial then reduce equals the gradient: prime batch 257, chunk 7', () => checkComposed(SHAPES[6]!, 7));
});
