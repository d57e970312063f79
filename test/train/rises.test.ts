/** A training loss that rises over a whole epoch, found from the history, and the warning. */
import { describe, expect, test } from 'vitest';
import { lossRises as risesAgainst, riseWarning, uninformedLoss } from '../../src/train/rises';
import { SGD } from '../../src/optim/optimizer';

/** Rises in a history that starts from an uninformed model (its first loss is the scale). */
const lossRises = (h: ReadonlyArray<{ epoch: number; loss: number }>) => risesAgainst(h, h[0]!.loss);

const points = (pairs: ReadonlyArray<[number, number]>) => pairs.map(([epoch, loss]) => ({ epoch, loss }));

// MNIST, batch 100, lr 0.5 (the old default), recorded 4 times per epoch: levels out and wiggles
const MNIST_LR_05 = points([
  [0, 2.3026], [0.25, 0.3868], [0.5, 0.3352], [0.75, 0.3228], [1, 0.3062], [1.25, 0.3027], [1.5, 0.2962], [1.75, 0.3052], [2, 0.2847], [2.25, 0.2835],
  [2.5, 0.2822], [2.75, 0.2827], [3, 0.283], [3.25, 0.2852], [3.5, 0.282], [3.75, 0.2756], [4, 0.2821], [4.25, 0.2748], [4.5, 0.286], [4.75, 0.2684], [5, 0.2702],
]);

describe('lossRises', () => {
  test("does not fire on MNIST's noise", () => {
    expect(lossRises(MNIST_LR_05)).toEqual([]);
  });

  test('fires on an epoch whose loss ended above the one an epoch before, once per epoch, its largest rise', () => {
    const h = points([[0, 2.3], [0.5, 0.6], [1, 0.5], [1.5, 0.55], [2, 0.45], [2.5, 0.8], [3, 0.7], [4, 0.4]]);
    expect(lossRises(h)).toEqual([{ epoch: 3, from: 0.45, to: 0.7 }]);
  });

  test('compares points at least one epoch apart when recordings are sparser than epochs', () => {
    // one recording every 1.5 epochs: 3 is compared with 1.5, 4.5 with 3
    expect(lossRises(points([[0, 2.3], [1.5, 0.4], [3, 0.6], [4.5, 0.5]]))).toEqual([{ epoch: 3, from: 0.4, to: 0.6 }]);
    // within one epoch of each other: nothing to compare
    expect(lossRises(points([[0, 0.3], [0.9, 0.9]]))).toEqual([]);
  });

  test('not at a noise floor: a rise of more than 5% that is below 1/1000 of the start\'s loss is noise', () => {
    // a 200-row regression with noise 0.01 at its default rate (its rises of 14% at 4e-5)
    const floor = points([[0, 2.1], [1, 0.02], [2, 4.6e-5], [3, 4.37e-5], [4, 5.0e-5], [5, 4.4e-5]]);
    expect(lossRises(floor)).toEqual([]);
    // the same rise a thousandfold higher counts
    expect(lossRises(points([[0, 2.1], [1, 0.2], [2, 0.046], [3, 0.0437], [4, 0.05]]))).toEqual([{ epoch: 4, from: 0.0437, to: 0.05 }]);
  });

  test('a start at the noise floor (--init from a fitted model): the rise is measured against the uninformed model, not the start', () => {
    const fromOptimum = points([[0, 4.44e-5], [1, 4.4e-5], [2, 4.66e-5], [3, 4.5e-5]]);
    expect(risesAgainst(fromOptimum, 0.58)).toEqual([]);
    // against the start alone, the 6% rise would count
    expect(risesAgainst(fromOptimum, 4.44e-5)).toEqual([{ epoch: 2, from: 4.4e-5, to: 4.66e-5 }]);
  });

  test('a rise over the first epoch counts, against the start', () => {
    expect(lossRises(points([[0, 2.3], [1, 3.1]]))).toEqual([{ epoch: 1, from: 2.3, to: 3.1 }]);
  });
});

describe('uninformedLoss', () => {
  test('the classifier: ln(classes); regression: the mean predictor\'s, from the first recording\'s loss and R²', () => {
    expect(uninformedLoss('classification', 10, [{ loss: 0.28, accuracy: 0.92 }])).toBeCloseTo(Math.log(10), 12);
    expect(uninformedLoss('regression', 1, [{ loss: 0.5787, accuracy: 0 }])).toBeCloseTo(0.5787, 12);
    expect(uninformedLoss('regression', 1, [{ loss: 4.4e-5, accuracy: 0.99992 }])).toBeCloseTo(0.55, 2);
    // R² undefined (a constant target) or 1: the first loss
    expect(uninformedLoss('regression', 1, [{ loss: 0.3, accuracy: NaN }])).toBe(0.3);
    expect(uninformedLoss('regression', 1, [{ loss: 0, accuracy: 1 }])).toBe(0);
  });
});

describe('riseWarning', () => {
  test('names the epoch, the losses and the safe rate', () => {
    expect(riseWarning([{ epoch: 3, from: 0.412, to: 0.52 }], 0.5, 0.031)).toBe(
      'warning: the training loss rose over epoch 3 (0.412 → 0.520): lr 0.5 is too large for this data; 1/L = 0.031 would be safe (--lr 0.031)',
    );
  });

  test('several epochs: the largest; a rate already within 1/L, or no 1/L: a quarter of it', () => {
    const rises = [{ epoch: 2, from: 0.5, to: 0.6 }, { epoch: 4, from: 0.4, to: 0.8 }];
    expect(riseWarning(rises, 0.1, 0.2)).toBe(
      "warning: the training loss rose over epochs 2 and 4 (most over epoch 4: 0.400 → 0.800): lr 0.1 is within the start's 1/L = 0.2, so the curvature grew past the start's: try --lr 0.025",
    );
    expect(riseWarning(rises, 0.01, null)).toMatch(/lr 0\.01 is too large for this data; try --lr 0\.0025$/);
    expect(riseWarning([], 0.5, 0.1)).toBeNull();
  });

  // a rate like 1e10 prints as typed, never as 11 digits; Adam's and RMSprop's steps do not scale with 1/L
  test.each([
    ['sgd', 1e10, null, 'lr 1e10 is too large for this data; try --lr 2.5e9'],
    ['momentum', 1e10, null, 'lr 1e10 is too large for this data; try --lr 2.5e9'],
    ['adam', 1e10, null, "lr 1e10 is too large for this data; try --lr 0.001, adam's default: its steps are about lr per parameter whatever the data's scale (the 1/L rule is SGD's)"],
    ['rmsprop', 0.5, null, "lr 0.5 is too large for this data; try --lr 0.001, rmsprop's default: its steps are about lr per parameter whatever the data's scale (the 1/L rule is SGD's)"],
    ['adam', 0.0004, null, 'lr 0.0004 is too large for this data; try --lr 0.0001'],
    ['sgd', 1e10, 1.23456e7, 'lr 1e10 is too large for this data; 1/L = 1.23456e7 would be safe (--lr 1.23456e7)'],
  ] as const)('%s at lr %s: %s', (kind, lr, safe, verdict) => {
    expect(riseWarning([{ epoch: 2, from: 1, to: 2 }], lr, safe, { ...SGD, kind })).toBe(`warning: the training loss rose over epoch 2 (1.00 → 2.00): ${verdict}`);
  });
});
