import { describe, expect, test } from 'vitest';
import { epochPlan } from '../../src/train/plan';
import { Rng, permutation } from '../../src/rng';

describe('epoch plan', () => {
  test.each([
    { n: 10, b: 1, steps: 10, last: 1 },
    { n: 10, b: 3, steps: 4, last: 1 },
    { n: 10, b: 5, steps: 2, last: 5 },
    { n: 10, b: 10, steps: 1, last: 10 },
    { n: 60000, b: 7, steps: 8572, last: 60000 - 8571 * 7 },
  ])('$n examples in batches of $b: $steps steps, last of $last', ({ n, b, steps, last }) => {
    const plan = epochPlan(n, b);
    // the batch size's one home: the engines take it from here, not from the steps' sizes
    expect(plan.batchSize).toBe(b);
    expect(plan.length).toBe(steps);
    expect(plan.at(-1)!.size).toBe(last);
    // every row of the order is visited exactly once, in order
    let next = 0;
    for (const s of plan) {
      expect(s.start).toBe(next);
      next += s.size;
    }
    expect(next).toBe(n);
  });

  test('rejects impossible batch sizes', () => {
    expect(() => epochPlan(10, 0)).toThrow(/not in 1..10/);
    expect(() => epochPlan(10, 11)).toThrow(/not in 1..10/);
  });
});

describe('seeded shuffle', () => {
  test('a permutation, the same for the same seed, different for another', () => {
    const a = permutation(1000, new Rng(1));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, new Rng(1))).toEqual(a);
    expect(permutation(1000, new Rng(2))).not.toEqual(a);
  });

  test('successive epochs get different orders', () => {
    const rng = new Rng(7);
    expect(permutation(100, rng)).not.toEqual(permutation(100, rng));
  });
});
