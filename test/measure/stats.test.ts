import { describe, expect, test } from 'vitest';
import { logSpacedSteps, quantile, relativeSpread, summarize } from '../../src/measure/stats';

describe('benchmark statistics', () => {
  test('median and quartiles of odd and even counts', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ n: 4, median: 2.5, min: 1, max: 4, q1: 1.75, q3: 3.25 });
    expect(summarize([7])).toMatchObject({ median: 7, min: 7, max: 7, q1: 7, q3: 7 });
  });

  test('quantile interpolates and refuses empty input', () => {
    expect(quantile([0, 10], 0.3)).toBeCloseTo(3);
    expect(() => quantile([], 0.5)).toThrow(/no values/);
  });

  test('relative spread', () => {
    expect(relativeSpread(summarize([90, 100, 110]))).toBeCloseTo(0.2);
    expect(relativeSpread(summarize([0, 0]))).toBe(0);
  });

  test('log-spaced record steps start at 1, end at the maximum, grow geometrically', () => {
    const steps = logSpacedSteps(10000, 5);
    expect(steps).toEqual([1, 10, 100, 1000, 10000]);
    expect(logSpacedSteps(3, 10)).toEqual([1, 2, 3]);
    expect(logSpacedSteps(1, 4)).toEqual([1]);
  });
});
