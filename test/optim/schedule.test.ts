import { describe, expect, test } from 'vitest';
import { SGD, adamCorrections } from '../../src/optim/optimizer';
import { epochRates } from '../../src/optim/rates';
import { CONSTANT, type Schedule, scheduledRate } from '../../src/optim/schedule';
import { epochPlan } from '../../src/train/plan';

// 10 updates per epoch, 4 epochs: 40 updates
const rate = (s: Schedule, t: number) => scheduledRate(0.5, s, t, 10, 40);

describe('learning-rate schedules', () => {
  test('constant', () => {
    expect([0, 17, 39].map((t) => rate(CONSTANT, t))).toEqual([0.5, 0.5, 0.5]);
  });
  test('step: the factor once per `every` epochs', () => {
    const s: Schedule = { kind: 'step', every: 2, factor: 0.1, warmup: 0 };
    expect([0, 19, 20, 39].map((t) => rate(s, t))).toEqual([0.5, 0.5, 0.5 * 0.1, 0.5 * 0.1]);
    expect(rate({ ...s, every: 1 }, 30)).toBeCloseTo(0.5 * 0.001, 15);
  });
  test('cosine: from lr to 0 over the run, half-way at the middle', () => {
    const s: Schedule = { kind: 'cosine', every: 1, factor: 1, warmup: 0 };
    expect(rate(s, 0)).toBe(0.5);
    expect(rate(s, 20)).toBeCloseTo(0.25, 12);
    expect(rate(s, 40)).toBeCloseTo(0, 12);
    for (let t = 1; t < 40; t++) expect(rate(s, t)).toBeLessThan(rate(s, t - 1));
  });
  test('warm-up: a linear ramp over the first W updates, on top of the schedule', () => {
    expect([0, 1, 4, 5, 9].map((t) => rate({ ...CONSTANT, warmup: 5 }, t))).toEqual([0.1, 0.2, 0.5, 0.5, 0.5]);
    const cos: Schedule = { kind: 'cosine', every: 1, factor: 1, warmup: 4 };
    expect(rate(cos, 1)).toBeCloseTo(0.5 * 0.5 * (1 + Math.cos(Math.PI / 40)) * (2 / 4), 12);
  });
  test('the per-epoch table: update t of the run, Adam corrections for t + 1', () => {
    const updates = epochPlan(25, 10).length; // 3 updates per epoch, the last of 5 examples
    const adam = { ...SGD, kind: 'adam' as const };
    const second = epochRates(updates, 1, 2, [{ optimizer: adam, lr: 0.5 }], { kind: 'cosine', every: 1, factor: 1, warmup: 0 });
    expect(second).toHaveLength(12);
    for (let s = 0; s < 3; s++) {
      const t = 3 + s;
      const [c1, c2] = adamCorrections(adam, t + 1);
      expect(Array.from(second.subarray(4 * s, 4 * s + 4))).toEqual(Array.from(new Float32Array([0.25 * (1 + Math.cos((Math.PI * t) / 6)), c1, c2, 0])));
    }
    expect(Array.from(epochRates(updates, 0, 2, [{ optimizer: SGD, lr: 0.5 }], CONSTANT))).toEqual([0.5, 1, 1, 0, 0.5, 1, 1, 0, 0.5, 1, 1, 0]);
  });
  test('stacked configurations: row s·K + k is configuration k\'s own table, its rate computed in float64 and rounded once', () => {
    const cosine: Schedule = { kind: 'cosine', every: 1, factor: 1, warmup: 2 };
    const configs = [{ optimizer: SGD, lr: 0.3 }, { optimizer: { ...SGD, kind: 'adam' as const }, lr: 0.007 }, { optimizer: SGD, lr: 1.1 }];
    const stacked = epochRates(7, 1, 3, configs, cosine);
    configs.forEach((config, k) => {
      const alone = epochRates(7, 1, 3, [config], cosine);
      for (let s = 0; s < 7; s++) expect(stacked.subarray(4 * (s * 3 + k), 4 * (s * 3 + k) + 4)).toEqual(alone.subarray(4 * s, 4 * s + 4));
    });
    // the full rate in float64, rounded once (not f32(lr) · f32(factor))
    expect(stacked[4 * (3 * 3 + 2)]).toBe(Math.fround(scheduledRate(1.1, cosine, 7 + 3, 7, 21)));
  });
});
