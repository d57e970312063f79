/** The data-derived default rate: the formula, its bounds and the line that says why. */
import { describe, expect, test } from 'vitest';
import { SGD } from '../../src/optim/optimizer';
import { HALF_MSE, SOFTMAX_XENT, batchCurvature, defaultRate, roundRate, safeRate, sgdRate } from '../../src/train/default-rate';
import { classifierData } from '../helpers/data';
import { createEngine } from '../../src/api/engine';
import { fit, resolveConfig } from '../../src/api/fit';
import { TrainingStopped, tryTenthOf } from '../../src/train/trainer';
import { regressionFromRows } from '../../src/data/regression-data';
import { UserError } from '../../src/errors';
import { riseWarning } from '../../src/train/rises';

// MNIST's training inputs (src/data/moments.ts on its 4,096-row sample)
const MNIST = { trace: 88.83, lambdaMax: 39.05 };
const K = 10;

describe('the formula', () => {
  test('L_B = c·(tr + (B−1)·λmax)/B, and 1/L_B at batch 100 on MNIST', () => {
    expect(batchCurvature(MNIST, 1, 1)).toBeCloseTo(88.83, 10);
    expect(batchCurvature(MNIST, 100, 1 / K)).toBeCloseTo((88.83 + 99 * 39.05) / 1000, 12);
    const r = sgdRate(MNIST, 100, SOFTMAX_XENT);
    expect(r.bound).toBe('curvature');
    expect(roundRate(r.lr)).toBe(0.253);
    // full batch tends to K / λmax
    expect(sgdRate(MNIST, 60000, SOFTMAX_XENT).lr).toBeCloseTo(K / 39.05, 3);
  });

  test('small batches of the classifier are capped by the noise: B / tr', () => {
    const r = sgdRate(MNIST, 1, SOFTMAX_XENT);
    expect(r.bound).toBe('noise');
    expect(r.lr).toBeCloseTo(1 / 88.83, 12);
    expect(sgdRate(MNIST, 10, SOFTMAX_XENT).bound).toBe('noise');
  });

  test('half-MSE: 1/L_B at large batches, the noise cap 0.05·B/tr at small ones; MSE (c = 2) halves both', () => {
    const rows = { trace: 21, lambdaMax: 1.1 };
    expect(sgdRate(rows, 1, HALF_MSE)).toMatchObject({ bound: 'noise', lr: 0.05 / 21 });
    expect(sgdRate(rows, 1000, HALF_MSE).bound).toBe('curvature');
    const mse = { curvature: 2, noise: 0.025 };
    for (const b of [1, 1000]) expect(sgdRate(rows, b, mse).lr).toBeCloseTo(sgdRate(rows, b, HALF_MSE).lr / 2, 12);
  });
});

describe('on data', () => {
  // every pixel 255 (x̃ = (1, …, 1)): M = 11ᵀ, tr = λmax = features + 1
  const bright = classifierData({ train: { images: new Uint8Array(32 * 16).fill(255), labels: new Uint8Array(32), count: 32, features: 16 } });

  test('plain SGD: the rate and why, from the moments', () => {
    const r = defaultRate(bright, SGD, 16);
    // L = (17 + 15·17)/(16·10) = 1.7, and B/tr = 16/17 is larger
    expect(r.lr).toBe(roundRate(1 / 1.7));
    expect(r.reason).toBe("lr 0.588 = 1/L for batch 16: L = (tr + (B−1)·λmax)/(B·10) = 1.70 from the training inputs' second moment (tr 17.0, λmax 17.0, 32 rows); --lr overrides");
    expect(safeRate(bright, SGD, 16)).toBe(0.588);
    // 1/L without the noise cap
    expect(safeRate(bright, SGD, 1)).toBe(0.588);
  });

  test('the noise cap says so', () => {
    expect(defaultRate(bright, SGD, 1).reason).toMatch(/^lr 0\.0588 = B\/tr, the noise cap for batch 1, below 1\/L = 0\.588 \(L = /);
  });

  test('momentum and Nesterov follow plain SGD; Adam and RMSprop do not look at the data', () => {
    const momentum = defaultRate(bright, { ...SGD, kind: 'momentum', momentum: 0.9 }, 16);
    expect(momentum.lr).toBe(0.0588);
    expect(momentum.reason).toMatch(/^lr 0\.0588 = \(1 − μ\) × 0\.588, plain SGD's = 1\/L for batch 16/);
    expect(defaultRate(bright, { ...SGD, kind: 'adam' }, 16)).toEqual({ lr: 0.001, reason: 'lr 0.001: the adam default, whatever the data; --lr overrides' });
    expect(safeRate(bright, { ...SGD, kind: 'rmsprop' }, 16)).toBeNull();
  });
});

describe('a default rate float32 cannot hold is refused, and no hint suggests one', () => {
  // column b holds 1e38: unstandardised, 1/L is near 1e-77, which float32 makes 0
  const huge = (standardize: boolean, big = 1e38) => regressionFromRows(
    { x: Float64Array.from([1, 2, 2, big, 3, 5, 4, big]), y: Float64Array.from([3, 5, 8, 5]), count: 4, dims: 2 },
    1, { standardize, testFraction: 0 }, { kind: 'arrays' }, 'rows', ['a', 'b'], 'y',
  );

  test("unstandardised huge features: refused naming standardize, not a flag; standardised they train", async () => {
    const data = huge(false);
    const engine = await createEngine(data, 'cpu');
    try {
      expect(() => resolveConfig(data, engine, { epochs: 1 })).toThrow(UserError);
      expect(() => resolveConfig(data, engine, { epochs: 1 })).toThrow(/^the data's scale makes the default learning rate \(4e-77\) underflow float32, which holds 1\.18e-38 to 3\.40e\+38: standardise the features \(standardize: true\)$/);
      // a rate given is the caller's: the checks on lr apply
      expect(resolveConfig(data, engine, { epochs: 1, lr: 1e-30 }).config.lr).toBe(1e-30);
    } finally {
      await engine.destroy();
    }
    expect(defaultRate(huge(true), SGD, 4).lr).toBeGreaterThan(1e-3);
  });

  test('a divergence at a rate whose tenth float32 cannot hold says to standardise, suggesting no rate', async () => {
    const data = huge(false, 3e38);
    const engine = await createEngine(data, 'cpu');
    try {
      // the loss overflows float32 within three updates at any rate float32 holds
      const stopped = await fit(engine, data, { epochs: 3, lr: 1e-37 }).catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(TrainingStopped);
      expect((stopped as Error).message).toMatch(/the learning rate 1e-37 is too large for batch 4, float32 holds no smaller rate: the data's scale is too large; standardise the features$/);
    } finally {
      await engine.destroy();
    }
  });

  test.each([
    ['sgd', 1e10, 'try a smaller one (lr 1e9)'],
    ['adam', 1e10, "try adam's default (lr 0.001): its steps are about lr per parameter whatever the data's scale (the 1/L rule is SGD's)"],
    ['rmsprop', 0.0004, 'try a smaller one (lr 0.00004)'],
  ] as const)('the divergence hint for %s at lr %s: %s', (kind, lr, hint) => {
    expect(tryTenthOf(lr, { ...SGD, kind })).toBe(hint);
  });

  test('the hints name a smaller rate only where float32 holds it, else say to standardise', () => {
    expect(riseWarning([{ epoch: 2, from: 1, to: 2 }], 2e-38, null)).toMatch(/lr 2e-38 is too large for this data; float32 holds no smaller rate: the data's scale is too large; standardise the features$/);
    expect(riseWarning([{ epoch: 2, from: 1, to: 2 }], 1e-30, 4e-77)).toMatch(/try --lr 2\.5e-31$/);
  });
});
