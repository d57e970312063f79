import { expect } from 'vitest';

/**
 * toBeAllclose: every |actual - expected| <= atol + rtol·|expected|, both arrays the same length,
 * no NaN. On failure it names the first bad index, both values and the difference.
 */
expect.extend({
  toBeAllclose(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-6, rtol = 1e-5 } = {}) {
    if (actual.length !== expected.length) {
      return { pass: false, message: () => `length ${actual.length} != expected length ${expected.length}` };
    }
    let bad = 0;
    let first = -1;
    let worst = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i]!;
      const e = expected[i]!;
      const diff = Math.abs(a - e);
      worst = Math.max(worst, diff);
      if (!(diff <= atol + rtol * Math.abs(e))) {
        bad++;
        if (first < 0) first = i;
      }
    }
    return {
      pass: bad === 0,
      message: () =>
        bad === 0
          ? `expected arrays to differ (max |diff| ${worst})`
          : `${bad} of ${actual.length} elements outside atol ${atol} + rtol ${rtol}; first at [${first}]: ` +
            `actual ${actual[first]}, expected ${expected[first]}, diff ${Math.abs(actual[first]! - expected[first]!)}`,
    };
  },
});

interface AllcloseMatchers<R = unknown> {
  toBeAllclose(expected: ArrayLike<number>, tolerance?: { atol?: number; rtol?: number }): R;
}
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends AllcloseMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends AllcloseMatchers {}
}
