/**
 * The tuner of bit-preserving kernel shapes (src/backend/kernel-tuner.ts): it times the
 * candidates on the device and picks the fastest, once per device and family. That every
 * candidate gives the same bits is tested per kernel (gradient-blocked.test.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fastestKernel } from '../../src/backend/kernel-tuner';
import type { Gpu } from '../../src/device/gpu';
import { PHASES, ROWS_PER_PASS_CHOICES, gradientBlockedKernel, phasePartialsBytes } from '../../src/kernels/gradient-blocked';
import { CLASSES, paramLayout } from '../../src/model';
import { Rng, permutation } from '../../src/rng';
import { testGpu } from '../helpers/gpu';
import { randomFloats, randomImages } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

test('times every candidate, returns the fastest, and measures once per device and family', async () => {
  const layout = paramLayout(784);
  const rng = new Rng(3);
  const rows = 300;
  const buffers = [
    await gpu.buffer('images', rows * 784, 'storage', randomImages(rng, rows, 784)),
    await gpu.buffer('order', rows * 4, 'storage', permutation(rows, rng)),
    await gpu.buffer('dlogits', rows * CLASSES * 4, 'storage', randomFloats(rng, rows * CLASSES, 1)),
    await gpu.buffer('partials', phasePartialsBytes(PHASES, layout), 'storage'),
  ];
  const candidates = ROWS_PER_PASS_CHOICES.map((r) => gradientBlockedKernel(PHASES, r));
  const first = fastestKernel(gpu, 'test family', candidates, layout, rows, buffers);
  const choice = await first;
  expect(choice.ms).toHaveLength(candidates.length);
  for (const ms of choice.ms) expect(ms).toBeGreaterThan(0);
  expect(choice.kernel).toBe(candidates[choice.ms.indexOf(Math.min(...choice.ms))]);
  // the same device and family: the remembered answer, not a second measurement
  expect(fastestKernel(gpu, 'test family', candidates, layout, rows, buffers)).toBe(first);
  for (const b of buffers) gpu.free(b);
});
