/**
 * The software rule is derived from the committed measurements (src/backend/step-variants-software.json,
 * `npm run bench:variants`): at every measured batch size it picks a variant within 10% of the
 * fastest measured there, for plain SGD and for the optimisers the fused step cannot run; batch
 * sizes between the measured ones take the nearest measured one's choice on a log scale, as
 * `train --help` states.
 */
import { describe, expect, test } from 'vitest';
import { coveredRanges, nearestMeasured } from '../../src/backend/variant-table';
import { type PlanShape, SOFTWARE_TABLE, type StepVariant, candidates, ruleVariant } from '../../src/backend/variants';
import { runCli } from '../helpers/cli';

const shape = (batch: number, plainSgd: boolean): PlanShape => ({ model: 'softmax-classifier', models: 1, batchSize: batch, plainSgd });
const measured = SOFTWARE_TABLE.batches.map((b) => b.batchSize);

describe('the step-variant rule on software adapters', () => {
  test('the committed table measures at least batch 1, 10, 32, 100, 1000 and 60000, every candidate of each', () => {
    expect(measured).toEqual(expect.arrayContaining([1, 10, 32, 100, 1000, 60000]));
    for (const b of SOFTWARE_TABLE.batches) expect(Object.keys(b.microsecondsPerStep).sort()).toEqual(candidates(shape(b.batchSize, true)).sort());
  });

  test.each(SOFTWARE_TABLE.batches.flatMap((b) => [true, false].map((plainSgd) => ({ batch: b.batchSize, plainSgd, times: b.microsecondsPerStep }))))(
    'batch $batch (plain SGD $plainSgd): within 10% of the fastest measured candidate',
    ({ batch, plainSgd, times }) => {
      const choices = candidates(shape(batch, plainSgd));
      const fastest = Math.min(...choices.map((v) => times[v]!.median));
      const picked = ruleVariant(choices, batch, true);
      expect(choices).toContain(picked);
      expect(times[picked]!.median).toBeLessThanOrEqual(1.1 * fastest);
    },
  );

  test('four kernels stay where they are within 10% of the fastest (a near tie is noise); elsewhere the fastest runs', () => {
    for (const { batchSize, microsecondsPerStep: times } of SOFTWARE_TABLE.batches) {
      const choices = candidates(shape(batchSize, true));
      const fastest = choices.reduce((a, b) => (times[b]!.median < times[a]!.median ? b : a));
      const expected = times['four-kernels']!.median <= 1.1 * times[fastest]!.median ? 'four-kernels' : fastest;
      expect(ruleVariant(choices, batchSize, true), `batch ${batchSize}`).toBe(expected);
    }
  });

  test('between two measured batch sizes, each takes the nearer on a log scale (a tie the smaller)', () => {
    const wrong: string[] = [];
    for (const [i, lower] of measured.slice(0, -1).entries()) {
      const upper = measured[i + 1]!;
      for (let b = lower; b <= upper; b++) {
        const nearer = Math.log(b / lower) <= Math.log(upper / b) ? lower : upper;
        const got = nearestMeasured(SOFTWARE_TABLE, b).batchSize;
        if (got !== nearer) wrong.push(`batch ${b}: ${got}, not ${nearer}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(nearestMeasured(SOFTWARE_TABLE, 60001).batchSize).toBe(measured.at(-1));
  });

  test('a batch size takes the choice of the nearest measured one', () => {
    const sgd = (b: number) => ruleVariant(candidates(shape(b, true)), b, true);
    for (const b of [2, 3, 12, 13, 17, 18, 50, 60, 500, 5000, 10000]) {
      const near = nearestMeasured(SOFTWARE_TABLE, b);
      const pick: StepVariant = sgd(b);
      // the nearest measured batch's own choice, unless it cannot run this plan (the fused step past 16 rows)
      if (candidates(shape(b, true)).includes(sgd(near.batchSize))) expect(pick, `batch ${b}`).toBe(sgd(near.batchSize));
    }
  });

  test("--help states the rule with the batch sizes each measured one covers, as the rule applies it", () => {
    const ranges = coveredRanges(SOFTWARE_TABLE);
    for (const range of ranges) {
      const [size, first, last] = range.split(/[:-]\s?/).map((s) => s.trim());
      expect(nearestMeasured(SOFTWARE_TABLE, Number(first)).batchSize).toBe(Number(size));
      if (last) expect(nearestMeasured(SOFTWARE_TABLE, Number(last)).batchSize).toBe(Number(size));
    }
    const help = runCli('train', ['--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('the fastest variant measured at the nearest measured batch size on a log scale, four-kernels where within 10% of it');
    expect(help).toContain(ranges.join(', '));
  });
});
