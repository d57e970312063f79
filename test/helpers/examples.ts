/**
 * Running the teaching examples (examples/*.sh) as a learner would, and the plain float64
 * gradient descent their numbers are checked against.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Rng, permutation } from '../../src/rng';

/** Runs examples/NAME.sh with its files in a fresh folder; fails the test on a non-zero exit. */
export function runExample(name: string, timeoutMs = 300_000): { stdout: string; out: string } {
  const out = mkdtempSync(join(tmpdir(), `downhill-example-${name}-`));
  const r = spawnSync('bash', [`examples/${name}.sh`], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OUT: out } });
  expect(r.status, `${name}.sh: ${r.stderr}`).toBe(0);
  return { stdout: r.stdout, out };
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/**
 * The output matches examples/NAME.expected line for line: the same words, and each number
 * within `rtol` (the expected file was printed with 6 significant digits on one machine).
 */
export function expectMatchesExpected(stdout: string, name: string, rtol = 1e-4): void {
  const expected = readFileSync(`examples/${name}.expected`, 'utf8').trimEnd().split('\n');
  const actual = stdout.trimEnd().split('\n');
  expect(actual.map((l) => l.replace(NUMBER, '#'))).toEqual(expected.map((l) => l.replace(NUMBER, '#')));
  actual.forEach((line, i) => {
    const got = (line.match(NUMBER) ?? []).map(Number);
    const want = (expected[i]!.match(NUMBER) ?? []).map(Number);
    got.forEach((g, k) => expect(Math.abs(g - want[k]!), `line ${i + 1} '${line}', number ${k + 1}`).toBeLessThanOrEqual(rtol * Math.max(Math.abs(g), Math.abs(want[k]!)) + 1e-6));
  });
}

export interface LinearGd {
  /** rows of features (a column of ones is just a feature) and targets */
  x: number[][];
  y: number[];
  theta: number[];
  /** b, updated only when given */
  bias?: number;
  lr: number;
  epochs: number;
  batchSize: number;
  /** 'seeded': each epoch a permutation drawn from Rng(seed), as downhill's trainer draws it; 'none': the data's order */
  order: 'seeded' | 'none';
  seed?: number;
  /** 1: ½·mean (ŷ − y)²; 2: mean (ŷ − y)² */
  lossFactor: number;
}

/**
 * Plain mini-batch gradient descent on a linear model in float64: θ -= lr·(f/B)·Σ_batch (ŷ − y)·x,
 * batches of consecutive rows of each epoch's order, the last one shorter. Returns θ, b and the
 * loss on all rows after the last update.
 */
export function linearGd(p: LinearGd): { theta: number[]; bias: number | undefined; loss: number } {
  const theta = p.theta.slice();
  let bias = p.bias;
  const m = p.y.length;
  const rng = new Rng(p.seed ?? 1);
  const predict = (i: number) => p.x[i]!.reduce((a, v, j) => a + v * theta[j]!, bias ?? 0);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const order = p.order === 'seeded' ? Array.from(permutation(m, rng)) : Array.from({ length: m }, (_, i) => i);
    for (let start = 0; start < m; start += p.batchSize) {
      const batch = order.slice(start, start + p.batchSize);
      const residual = batch.map((i) => p.lossFactor * (predict(i) - p.y[i]!));
      const grad = theta.map((_, j) => batch.reduce((a, i, k) => a + residual[k]! * p.x[i]![j]!, 0) / batch.length);
      const gradBias = residual.reduce((a, r) => a + r, 0) / batch.length;
      theta.forEach((_, j) => (theta[j] = theta[j]! - p.lr * grad[j]!));
      if (bias !== undefined) bias -= p.lr * gradBias;
    }
  }
  const loss = p.y.reduce((a, yi, i) => a + (p.lossFactor * (predict(i) - yi) ** 2) / 2, 0) / m;
  return { theta, bias, loss };
}

/**
 * max over values of |a − b|, relative to the largest |b|: a parameter near 0 (the intercept
 * column's weight here) carries the rounding of the updates of the others, so it is measured
 * against the vector's scale, not its own.
 */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}
