/**
 * The register-blocked gradient: gradient_blocked.wgsl's phase sums against their float64
 * reference, gradient_reduce.wgsl over the phases, and the two composed against the single-pass
 * gradient, on every shape (batches under and over the phase counts, features that are not a
 * multiple of the block) for the engine's phase count, 1 and 32, and each choice of rows per loop
 * pass, which must give the same bits (the engine times them and runs the fastest); and the full
 * 60000x784 (index overflow, dispatch limits) at the engine's phase count only, every rows per pass.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { PHASES as ENGINE_PHASES, ROWS_PER_PASS_CHOICES, gradientBlockedKernel, phasePartialsBytes, phaseReduceKernel } from '../../src/kernels/gradient-blocked';
import { CLASSES, paramLayout } from '../../src/model';
import { gradientRef } from '../../src/reference/gradient';
import { gradientPhasesRef, gradientReduceRef } from '../../src/reference/gradient-split';
import { Rng, permutation } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';
import { FULL_MNIST, SHAPES, type Shape, perShape } from './cases';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

/** The same inputs for every phase count and rows per pass of a shape. */
const inputs = perShape(({ count, features, size }: Shape) => {
  const rng = new Rng(count * 17 + size);
  return { layout: paramLayout(features), images: randomImages(rng, count, features), order: permutation(count, rng), dlogits: randomFloats(rng, size * CLASSES, 1) };
});

const gradientOf = perShape((shape: Shape) => {
  const { images, order, dlogits } = inputs(shape);
  return gradientRef(images, shape.features, order, shape.start, shape.size, dlogits);
});

const PHASES = [1, ENGINE_PHASES, 32];
const cases = (shapes: Shape[]) => shapes.flatMap((shape) => PHASES.map((phases) => ({ ...shape, phases })));
/** the full size runs as the engine does: its phase count */
const FULL_SIZE = { ...FULL_MNIST, phases: ENGINE_PHASES };
// the reference tests run one choice; 'every choice … gives the same bits' ties the others to it
const CHECKED_ROWS_PER_PASS = ROWS_PER_PASS_CHOICES[ROWS_PER_PASS_CHOICES.length - 1]!;

async function partials(shape: Shape, phases: number, rowsPerPass: number = CHECKED_ROWS_PER_PASS) {
  const { layout, images, order, dlogits } = inputs(shape);
  const [, , , out] = await runKernel(gpu, gradientBlockedKernel(phases, rowsPerPass), layout, { start: shape.start, size: shape.size }, [images, order, dlogits, { outputBytes: phasePartialsBytes(phases, layout) }]);
  return { layout, images, order, dlogits, out: new Float32Array(out!) };
}

describe('register-blocked gradient matches its CPU references', () => {
  test.each([...cases(SHAPES), FULL_SIZE])('gradient_blocked: $name, $phases phases', async (shape) => {
    const { images, order, dlogits, out } = await partials(shape, shape.phases);
    // each phase sums ceil(B / phases) terms in [-1, 1] in f32, in row order (60000 at 1 phase)
    const atol = shape.size > 10000 ? 1e-3 : 1e-5;
    expect(out).toBeAllclose(gradientPhasesRef(images, shape.features, order, shape.start, shape.size, dlogits, shape.phases), { atol, rtol: 1e-4 });
  });

  test.each([...SHAPES.flatMap((shape) => [ENGINE_PHASES, 32].map((phases) => ({ ...shape, phases }))), FULL_SIZE])('every choice of rows per pass gives the same bits: $name, $phases phases', async (shape) => {
    const [first, ...rest] = await Promise.all(ROWS_PER_PASS_CHOICES.map(async (r) => (await partials(shape, shape.phases, r)).out));
    for (const out of rest) expect(new Uint32Array(out.buffer)).toEqual(new Uint32Array(first!.buffer));
  });

  test.each(cases(SHAPES).flatMap((c) => [false, true].map((software) => ({ ...c, software }))))('gradient_reduce over the phases: $name, $phases phases, software adapter\'s dispatch $software', async ({ features, start, size, phases, software }) => {
    const layout = paramLayout(features);
    const slots = randomFloats(new Rng(size), phases * layout.paddedCount, 50);
    const [, grads] = await runKernel(gpu, phaseReduceKernel(phases, software), layout, { start, size }, [slots, { outputBytes: layout.paddedCount * 4 }]);
    // `phases` terms of magnitude <= 50 added in f32 (cancellation is possible): their rounding, / B
    expect(new Float32Array(grads!)).toBeAllclose(gradientReduceRef(slots, phases, layout.paddedCount, size), { atol: (phases * 50 * 2 ** -23) / size, rtol: 1e-4 });
  });

  test.each([...cases([SHAPES[6]!, SHAPES[7]!]), FULL_SIZE])('phases then reduce equals the gradient: $name, $phases phases', async (shape) => {
    const { layout, out } = await partials(shape, shape.phases);
    const batch = { start: shape.start, size: shape.size };
    const [, grads] = await runKernel(gpu, phaseReduceKernel(shape.phases, true), layout, batch, [out, { outputBytes: layout.paddedCount * 4 }]);
    expect(new Float32Array(grads!)).toBeAllclose(gradientOf(shape), { atol: 1e-6, rtol: 1e-4 });
  });
});
