/**
 * The benchmark's outputs, through the real command: --out is checked before anything is
 * measured, a second run never overwrites the first's files, and a run that measured nothing
 * (every engine asked for skipped) ends with one line and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { findTorchPython, pythonCandidates } from '../../bench/peers/pytorch';
import { type CliResult, nodeArgs, withoutLoaderNotice } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

/** Runs a benchmark to its end: `npm run bench` (its build, test/helpers/cli.ts), or another benchmark's `script` through tsx. */
function bench(args: string[], script?: string): CliResult {
  const r = spawnSync(process.execPath, script ? ['--import', 'tsx', script, ...args] : nodeArgs('bench', args), { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: withoutLoaderNotice(r.stderr) };
}

function expectOneLine(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
}

let subset = '';
beforeAll(() => {
  subset = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 50));
});

describe('bench --out', () => {
  test.each([
    ['/proc/self', /^bench: cannot write --out \/proc\/self: files cannot be created in \/proc\/\d+$/],
    ['a file', /^bench: cannot write --out .*\/a-file\/results: it, or a folder above it, is not a folder$/],
  ])('%s is refused before anything is measured', (what, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'downhill-bench-out-'));
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const out = what === '/proc/self' ? '/proc/self' : join(dir, 'a-file', 'results');
    const r = bench(['--data', subset, '--engines', 'downhill-cpu', '--batch-sizes', '10', '--reps', '3', '--out', out]);
    expectOneLine(r, message);
    expect(r.stdout).not.toContain('bench: downhill-cpu');
  });

  test('a second run on the same day writes beside the first, never over it', () => {
    const out = mkdtempSync(join(tmpdir(), 'downhill-bench-twice-'));
    const args = ['--data', subset, '--engines', 'downhill-cpu', '--batch-sizes', '10', '--reps', '3', '--out', out];
    const first = bench(args);
    expect(first.code, first.stderr).toBe(0);
    const [json] = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(json).toMatch(/^downhill-cpu-reference-\d{4}-\d\d-\d\d-downhill-cpu\.json$/);
    const before = readFileSync(join(out, json!));
    const second = bench(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(join(out, json!.replace(/\.json$/, '-2.json')));
    expect(readFileSync(join(out, json!)).equals(before)).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });

  test.skipIf('python' in findTorchPython(pythonCandidates()))('a run whose engines were all skipped (PyTorch not installed) says so in one line and writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'downhill-bench-skipped-'));
    const r = bench(['--data', subset, '--engines', 'pytorch-cpu', '--batch-sizes', '10', '--reps', '3', '--out', out]);
    expectOneLine(r, /^bench: nothing was measured, no file written: pytorch-cpu: no Python could import torch/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('bench\'s lists name their own flag, once', () => {
  test.each([
    [['--engines', 'foo'], /^bench: --engines: unknown engine 'foo' \(one of /],
    [['--batch-sizes', '0'], /^bench: --batch-sizes must be a whole number of at least 1, or 'full', got '0'$/],
    [['--batch-sizes', '301'], /^bench: --batch-sizes 301 is larger than the 300 training examples/],
    [['--batch-sizes', '10,10'], /^bench: --batch-sizes lists 10 twice$/],
  ])('%s', (args, message) => expectOneLine(bench(['--data', subset, ...args]), message));
});

describe('the other benchmarks\' bad options', () => {
  test.each([
    ['bench/sweep.ts', ['--examples', '0'], /^bench:sweep: --examples, --epochs and --batch-sizes must be positive whole numbers/],
    ['bench/default-rates.ts', ['--only', 'mnist,fashion'], /^bench:defaults: --only: unknown dataset 'fashion' \(one of mnist, /],
    ['bench/regression.ts', ['--rows', '5', '--out', '/proc/self'], /^bench:regression: --rows, --features and --budget-ms must be/],
    ['bench/optimizers.ts', ['--out', '/proc/self'], /^bench:optimizers: cannot write --out \/proc\/self: files cannot be created in/],
  ])('%s %s: one line, named once', (script, args, message) => {
    expectOneLine(bench(args, script), message);
  });

  test('bench:sweep --examples beyond the training set is refused before training', () => {
    expectOneLine(bench(['--data', subset, '--examples', '301', '--out', mkdtempSync(join(tmpdir(), 'downhill-bench-sweep-'))], 'bench/sweep.ts'), /^bench:sweep: --examples 301 is more than the 300 images of the training set$/);
  });
});
