/**
 * examples/noisy-line.sh, run as a learner runs it, against the textbook loop written here in
 * float64: full-batch gradient descent on mean squared error over the same CSV.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { type ExampleRun, expectOutputLike, expectedOutput, runExample } from '../helpers/examples';

const LR = 0.001;
const EPOCHS = 10;
/**
 * float32 training against the float64 loop: measured on SwiftShader, at most 2.9e-7 relative in
 * the losses, 2.9e-8 in w and 9.2e-8 in b; 1e-6 leaves room for another adapter's sum order.
 */
const RTOL = 1e-6;

/** The CSV's points as float64, exactly as written in the file. */
function points(): { x: number[]; y: number[] } {
  const rows = readFileSync('examples/data/noisy-line.csv', 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
  return { x: rows.map((r) => r[0]!), y: rows.map((r) => r[1]!) };
}

/** The textbook loop in float64: the loss before each update and after the last, and the final w, b. */
function gradientDescent(x: number[], y: number[]): { losses: number[]; w: number; b: number } {
  const n = x.length;
  let [w, b] = [0, 0];
  const losses: number[] = [];
  for (let epoch = 0; epoch <= EPOCHS; epoch++) {
    let [loss, gw, gb] = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const r = w * x[i]! + b - y[i]!;
      loss += (r * r) / n;
      gw += (2 * r * x[i]!) / n;
      gb += (2 * r) / n;
    }
    losses.push(loss);
    if (epoch < EPOCHS) [w, b] = [w - LR * gw, b - LR * gb];
  }
  return { losses, w, b };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('examples/noisy-line.sh', () => {
  let run: ExampleRun;
  let report: RunReport;
  const { x, y } = points();
  const exact = gradientDescent(x, y);
  beforeAll(() => {
    run = runExample('noisy-line', 60_000);
    report = JSON.parse(readFileSync(join(run.out, 'noisy-line.json'), 'utf8')) as RunReport;
  });

  test('prints what examples/noisy-line.expected shows', () => {
    // six significant digits: a last digit may differ by one where a value sits near a rounding boundary
    expectOutputLike(run.stdout, expectedOutput('noisy-line'), 2e-5);
  });

  test('the loss at every epoch is the float64 loop\'s', () => {
    expect(report.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS + 1 }, (_, e) => e));
    const worst = Math.max(...report.history.map((h, e) => relative(h.loss, exact.losses[e]!)));
    expect(worst).toBeLessThan(RTOL);
    // each full batch's loss, taken before its update, is the loss recorded an epoch earlier
    expect(report.history.slice(1).map((h) => h.batchLoss!)).toBeAllclose(exact.losses.slice(0, -1), { atol: 0, rtol: RTOL });
    // and the printed table shows them
    for (const [e, h] of report.history.entries()) expect(run.stdout).toContain(`${String(e).padStart(5)}  ${h.loss.toPrecision(6)}\n`);
  });

  test('the final w and b are the float64 loop\'s', () => {
    const p = report.parameters;
    if (p?.model !== 'linear-regression') throw new Error('not a regression run');
    expect(relative(p.weights[0]!, exact.w)).toBeLessThan(RTOL);
    expect(relative(p.intercept!, exact.b)).toBeLessThan(RTOL);
  });

  test('the prediction at x = 10 is w·10 + b', () => {
    const p = report.parameters;
    if (p?.model !== 'linear-regression') throw new Error('not a regression run');
    expect(run.stdout).toContain(`x = 10: y = ${(p.weights[0]! * 10 + p.intercept!).toPrecision(6)}\n`);
  });

  test('writes the plot: the 100 points, the fit and the truth beside the loss curve', () => {
    const svg = readFileSync(join(run.out, 'noisy-line.svg'), 'utf8');
    expect(existsSync(join(run.out, 'noisy-line.weights'))).toBe(true);
    expect(svg.match(/<svg /g)).toHaveLength(3);
    expect(svg).toContain('>data</text>');
    expect(svg).toContain('>truth: 2x + 1</text>');
    // data: 100 markers and one in the legend; the fit, the truth and the loss are lines
    expect(svg.match(/<polyline /g)).toHaveLength(3);
  });
});
