/**
 * examples/batch-size-comparison.sh, run as a learner runs it: every method ends near the
 * least-squares optimum of the same data (normal equations in float64, here), the plot holds the
 * four curves, and each of d2l's conclusions is printed with the numbers that decide it. Whether
 * a conclusion about time holds depends on the machine and its load, so that is not checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { syntheticRegression } from '../../src/data/regression';
import { type ExampleRun, runExample } from '../helpers/examples';
import { leastSquares } from '../helpers/least-squares';

interface Comparison {
  data: { rows: number; features: number; noise: number; seed: number };
  methods: { name: string; batchSize: number; finalLoss: number; epochMs: number }[];
}

/** The least half mean squared error any w, b reach on the example's rows, in float64. */
function optimalLoss(d: Comparison['data']): number {
  const { x, y } = syntheticRegression(d.rows, d.features, d.noise, d.seed);
  const wb = leastSquares(x, y, d.rows, d.features);
  let sum = 0;
  for (let r = 0; r < d.rows; r++) {
    let pred = wb[d.features]!;
    for (let j = 0; j < d.features; j++) pred += wb[j]! * x[r * d.features + j]!;
    sum += (pred - y[r]!) ** 2;
  }
  return sum / d.rows / 2;
}

const NAMES = ['gd', 'sgd', 'batch 100', 'batch 10'];
const LOSS = String.raw`\d+\.\d{4}`;
const TIME = String.raw`(?:\d+(?:\.\d+)?(?:e-\d+)? s|not reached)`;

describe('examples/batch-size-comparison.sh', () => {
  let run: ExampleRun;
  let comparison: Comparison;
  beforeAll(() => {
    run = runExample('batch-size-comparison', 120_000);
    comparison = JSON.parse(readFileSync(join(run.out, 'batch-size-comparison.json'), 'utf8')) as Comparison;
  });

  test('the four final losses are within 2% of the least-squares optimum', () => {
    const optimal = optimalLoss(comparison.data);
    // d2l's order of magnitude: σ = 0.7 makes the expected optimum σ²/2 = 0.245
    expect(optimal).toBeGreaterThan(0.2);
    expect(optimal).toBeLessThan(0.3);
    expect(comparison.methods.map((m) => m.name)).toEqual(NAMES);
    for (const m of comparison.methods) {
      expect(m.finalLoss, m.name).toBeGreaterThanOrEqual(optimal * (1 - 1e-5));
      expect(m.finalLoss, m.name).toBeLessThan(optimal * 1.02);
    }
  });

  test("prints each method's time per epoch and final loss beside d2l's", () => {
    const d2l: Record<string, string> = { gd: '0.247 +0.020 s', sgd: '0.245 +0.685 s', 'batch 100': '0.246 +0.025 s', 'batch 10': '0.246 +0.090 s' };
    for (const m of comparison.methods) {
      expect(run.stdout).toMatch(new RegExp(`^${m.name} +${m.batchSize} +\\S+ +\\d+ +${m.finalLoss.toFixed(4)} +${TIME} +${d2l[m.name]}$`, 'm'));
    }
  });

  test("prints each of d2l's conclusions as holds or does not hold, with its numbers", () => {
    const verdict = '(?:holds|does not hold)';
    const all = (what: string) => NAMES.map((n) => `${n} ${what}`).join(', ');
    const lines = [
      String.raw`\(a\) per example, SGD makes the most progress: ${verdict} \(loss after 200 examples: ${all(LOSS)}\)`,
      String.raw`\(b\) per second, SGD is the slowest: ${verdict} \(time to ${LOSS}: ${all(TIME)}\)`,
      String.raw`\(c\) batch 10 is more efficient than SGD: ${verdict} \(time to ${LOSS}: batch 10 ${TIME}, sgd ${TIME}\)`,
      String.raw`\(d\) batch 100 outperforms GD in runtime: ${verdict} \(time to ${LOSS}: batch 100 ${TIME}, gd ${TIME}\)`,
    ];
    for (const line of lines) expect(run.stdout).toMatch(new RegExp(`^${line}$`, 'm'));
    // and says how each is measured
    expect(run.stdout).toContain('"per example": the training loss after the first 200 examples');
    expect(run.stdout).toMatch(/"per second" and "in runtime": training time until the loss is within 2% of the best final loss/);
  });

  test('writes the plot: loss against time on a log axis, one curve per method', () => {
    const svg = readFileSync(join(run.out, 'batch-size-comparison.svg'), 'utf8');
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    for (const name of NAMES) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain('(log scale)</text>');
  });
});
