/**
 * Running an example as a learner would (bash examples/NAME.sh, its files in a fresh $OUT), and
 * its output against its .expected file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export interface ExampleRun {
  stdout: string;
  stderr: string;
  /** the example's $OUT, where it wrote its files */
  out: string;
  wallMs: number;
}

/** Runs examples/NAME.sh to the end and expects it to succeed. */
export function runExample(name: string, timeoutMs: number): ExampleRun {
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
