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

  // /proc/x: Node 20's mkdirSync({recursive}) loops forever there; the folders are made one level at a time
  test.each(['bench/run.ts', 'bench/optimizers.ts', 'bench/regression.ts', 'bench/sweep.ts', 'bench/default-rates.ts'])('%s --out /proc/x is refused at once', (script) => {
    const data = script === 'bench/regression.ts' ? [] : script === 'bench/run.ts' ? ['--data', subset, '--engines', 'downhill-cpu', '--batch-sizes', '10'] : ['--data', subset];
    const r = bench([...data, '--out', '/proc/x/y'], script);
    expectOneLine(r, /^bench(:\w+)?: cannot write --out \/proc\/x\/y: (files|folders) cannot be created in \/proc$/);
  });

  test('a second run on the same day writes beside the first, never over it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'downhill-bench-twice-')), 'results', 'new'); // made when written
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

  test.skipIf('python' in findTorchPython(pythonCandidates()))('a run whose engines were all skipped (PyTorch not installed) says so in one line and writes nothing, not even its --out folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'downhill-bench-skipped-'));
    const r = bench(['--data', subset, '--engines', 'pytorch-cpu', '--batch-sizes', '10', '--reps', '3', '--out', join(dir, 'results')]);
    expectOneLine(r, /^bench: nothing was measured, no file written: pytorch-cpu: no Python could import torch/);
    expect(readdirSync(dir)).toEqual([]); // not even an empty results folder
  });
});

describe('bench\'s lists name their own flag, once', () => {
  test.each([
    [['--engines', 'foo'], /^bench: --engines: unknown engine 'foo' \(one of /],
    [['--batch-sizes', '0'], /^bench: --batch-sizes must be a whole number of at least 1, or 'full', got '0'$/],
    [['--batch-sizes', '301'], /^bench: --batch-sizes 301 is larger than the 300 training examples/],
    [['--batch-sizes', '10,10'], /^bench: --batch-sizes lists 10 twice$/],
    [['--reps', '1e9'], /^bench: --reps must be a whole number from 3 to 100, got '1e9'$/],
    [['--reps', '101'], /^bench: --reps must be a whole number from 3 to 100, got '101'$/],
    [['--engines', 'downhill-cpu', '--adapter', 'hardware'], /^bench: --adapter applies to the WebGPU engines only \(downhill-webgpu, tfjs-webgpu\), and --engines has none$/],
  ])('%s', (args, message) => expectOneLine(bench(['--data', subset, ...args]), message));
});

describe('the other benchmarks\' bad options', () => {
  test.each<[string, string[], RegExp]>([
    ['bench/sweep.ts', ['--examples', '0'], /^bench:sweep: --examples must be a whole number of at least 1, got '0'$/],
    ['bench/sweep.ts', ['--optimizers', 'foo'], /^bench:sweep: --optimizers must be one of sgd, momentum, nesterov, adam, rmsprop, got 'foo'$/],
    ['bench/sweep.ts', ['--examples', '50', '--batch-sizes', '100'], /^bench:sweep: --batch-sizes 100 is larger than --examples 50$/],
    ['bench/sweep.ts', ['--lrs', '0.1,0.1'], /^bench:sweep: --lrs lists 0.1 twice$/],
    ['bench/default-rates.ts', ['--only', 'mnist,fashion'], /^bench:defaults: --only: unknown dataset 'fashion' \(one of mnist, /],
    ['bench/default-rates.ts', ['--only', 'mnist,mnist'], /^bench:defaults: --only lists mnist twice$/],
    ['bench/default-rates.ts', ['--grid', '0.1,0.1'], /^bench:defaults: --grid lists 0.1 twice$/],
    ['bench/sweep.ts', ['--lrs', '0.1,0.1000000001'], /^bench:sweep: --lrs lists 0.1 and 0.1000000001, the same value in float32/],
    ['bench/default-rates.ts', ['--grid', '0.3,0.30000000001'], /^bench:defaults: --grid lists 0.3 and 0.30000000001, the same value in float32/],
    ['bench/regression.ts', ['--rows', '5', '--out', '/proc/self'], /^bench:regression: --rows must be a whole number from 10 to 100000000, got '5'$/],
    ['bench/regression.ts', ['--rows', '1e9'], /^bench:regression: --rows must be a whole number from 10 to 100000000, got '1e9'$/],
    ['bench/regression.ts', ['--features', '0'], /^bench:regression: --features must be a whole number of at least 1, got '0'$/],
    ['bench/regression.ts', ['--rows', '1000000', '--features', '1000'], /^bench:regression: --rows 1000000 × --features 1000 is more than the 100,000,000 values synthetic data may hold$/],
    ['bench/regression.ts', ['--noise', '-1'], /^bench:regression: --noise must be a finite number of at least 0, got '-1'$/],
    ['bench/regression.ts', ['--budget-ms', '0'], /^bench:regression: --budget-ms must be a positive number of milliseconds, got '0'$/],
    ['bench/regression.ts', ['--data', 'D'], /^bench:regression: unknown option --data \(see --help\)$/],
    ...['bench/run.ts', 'bench/sweep.ts', 'bench/optimizers.ts', 'bench/default-rates.ts', 'scripts/step-variants.ts'].map((script): [string, string[], RegExp] => [script, ['--backend', 'cpu'], /^bench(:\w+)?: unknown option --backend \(see --help\)$/]),
    ['bench/optimizers.ts', ['--out', '/proc/self'], /^bench:optimizers: cannot write --out \/proc\/self: files cannot be created in/],
    ['bench/optimizers.ts', ['--budget-ms', '0'], /^bench:optimizers: --budget-ms must be a positive number of milliseconds, got '0'$/],
  ])('%s %s: one line, named once', (script, args, message) => {
    expectOneLine(bench(args, script), message);
  });

  test('bench:optimizers --batch-size beyond the training set names the flag', () => {
    expectOneLine(bench(['--data', subset, '--batch-size', '1000', '--out', mkdtempSync(join(tmpdir(), 'downhill-bench-optimizers-'))], 'bench/optimizers.ts'), /^bench:optimizers: --batch-size 1000 is larger than the 300 training examples/);
  });

  test('bench:sweep --examples beyond the training set is refused before training', () => {
    expectOneLine(bench(['--data', subset, '--examples', '301', '--out', mkdtempSync(join(tmpdir(), 'downhill-bench-sweep-'))], 'bench/sweep.ts'), /^bench:sweep: --examples 301 is more than the 300 images of the training set$/);
  });
});
