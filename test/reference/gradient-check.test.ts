/**
 * The analytic gradient (softmax_xent then gradient references) against central finite
 * differences of the mean loss, on a tiny problem in float64. The GPU kernels are checked against
 * these references elsewhere, so together they check the GPU gradient against the loss itself.
 */
import { describe, expect, test } from 'vitest';
import { paramLayout } from '../../src/model';
import { forwardRef } from '../../src/reference/forward';
import { gradientRef } from '../../src/reference/gradient';
import { softmaxXentRef } from '../../src/reference/softmax-xent';
import { Rng, permutation } from '../../src/rng';
import { randomImages, randomLabels } from '../helpers/random';

describe('analytic gradient equals finite differences of the loss', () => {
  test.each([
    { features: 4, count: 1, start: 0, size: 1 },
    { features: 8, count: 9, start: 2, size: 5 },
    { features: 12, count: 13, start: 0, size: 13 },
  ])('$features features, batch $size of $count', ({ features, count, start, size }) => {
    const rng = new Rng(features * 100 + count);
    const layout = paramLayout(features);
    const images = randomImages(rng, count, features);
    const labels = randomLabels(rng, count);
    const order = permutation(count, rng);
    const params = Float64Array.from({ length: layout.paddedCount }, (_, i) => (i < layout.count ? rng.next() - 0.5 : 0));
    const meanLoss = (p: Float64Array) => {
      const { loss } = softmaxXentRef(forwardRef(images, features, order, start, size, p), labels, order, start, size);
      return loss.reduce((a, x) => a + x, 0) / size;
    };
    const { dlogits } = softmaxXentRef(forwardRef(images, features, order, start, size, params), labels, order, start, size);
    const analytic = gradientRef(images, features, order, start, size, dlogits);
    const h = 1e-5;
    const numeric = new Float64Array(layout.paddedCount);
    for (let i = 0; i < layout.count; i++) {
      const plus = params.slice();
      plus[i]! += h;
      const minus = params.slice();
      minus[i]! -= h;
      numeric[i] = (meanLoss(plus) - meanLoss(minus)) / (2 * h);
    }
    // central differences: truncation error O(h²) ≈ 1e-10, rounding ≈ 1e-16 / h ≈ 1e-11
    expect(analytic).toBeAllclose(numeric, { atol: 1e-8, rtol: 1e-6 });
    expect(analytic.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });
});
