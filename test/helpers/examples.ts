/**
 * Running an example as a learner would (bash examples/NAME.sh, its files in a fresh $OUT), its
 * output against its .expected file, and the plain float64 gradient descent the numbers are
 * checked against.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Rng, permutation } from '../../src/rng';

export interface ExampleRun {
  stdout: string;
  stderr: string;
  /** the example's $OUT, where it wrote its files */
  out: string;
  wallMs: number;
}

/** Runs examples/NAME.sh to the end and expects it to succeed. */
export function runExample(name: string, timeoutMs = 300_000): ExampleRun {
  const out = mkdtempSync(join(tmpdir(), `downhill-${name}-`));
  const started = performance.now();
  const r = spawnSync('bash', [`examples/${name}.sh`], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OUT: out } });
  const wallMs = performance.now() - started;
  expect(r.signal, `examples/${name}.sh was killed (timeout ${timeoutMs} ms?): ${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr, out, wallMs };
}

export function expectedOutput(name: string): string {
  return readFileSync(`examples/${name}.expected`, 'utf8');
}

/** Decimal numbers, with a sign, a fraction and an exponent where they have them. */
const NUMBER = /(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/;

/**
 * The same text and the same numbers to a relative tolerance: another adapter may round a
 * float32 sum differently in the last printed digit.
 */
export function expectOutputLike(actual: string, expected: string, rtol: number): void {
  const a = actual.trimEnd().split(NUMBER);
  const e = expected.trimEnd().split(NUMBER);
  // odd positions are the numbers, even ones the text around them
  expect(a.filter((_, i) => i % 2 === 0)).toEqual(e.filter((_, i) => i % 2 === 0));
  const numbers = (parts: string[]) => parts.filter((_, i) => i % 2 === 1).map(Number);
  expect(numbers(a)).toBeAllclose(numbers(e), { atol: 0, rtol });
}

/** The output matches examples/NAME.expected: the same text, each number within `rtol`. */
export function expectMatchesExpected(stdout: string, name: string, rtol = 2e-5): void {
  expectOutputLike(stdout, expectedOutput(name), rtol);
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
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
