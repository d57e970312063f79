/**
 * --resume with options that disagree with the checkpoint, through the real command: each refused
 * with one line naming the option (never the data's checksum), and a moved CSV found again with
 * --csv alone.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-resume-options-'));
const path = (name: string) => join(out, name);

function refused(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
  expect(r.stderr).not.toMatch(/checksum/);
}

describe('--step-variant: the checkpoint\'s variant runs, another is refused (it would round differently)', () => {
  const data = writeIdxFolder(head(mnist().train, 100), head(mnist().test, 20));
  const ckpt = path('fused.ckpt');
  const first = runCli('train', ['--data', data, '--batch-size', '10', '--lr', '0.01', '--epochs', '1', '--step-variant', 'fused-32', '--checkpoint', ckpt, '--quiet']);

  test('--resume with --step-variant four-kernels is refused, naming both', () => {
    expect(first.code, first.stderr).toBe(0);
    refused(runCli('train', ['--resume', ckpt, '--epochs', '2', '--step-variant', 'four-kernels']), /^train: --resume \S*fused\.ckpt was written with the step variant fused-32; --step-variant four-kernels would round differently/);
  });

  test('--resume alone runs fused-32 and says it is the checkpoint\'s, not forced', () => {
    const json = path('resumed.json');
    const r = runCli('train', ['--resume', ckpt, '--epochs', '2', '--checkpoint', path('next.ckpt'), '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/steps: fused-32 \(the checkpoint's: a resumed run runs the variant that wrote it/);
    const config = (JSON.parse(readFileSync(json, 'utf8')) as { config: { stepChoice: { variant: string; how: string } } }).config;
    expect(config.stepChoice).toMatchObject({ variant: 'fused-32', how: 'resumed' });
  });
});

describe('regression', () => {
  const csv = path('rows.csv');
  writeFileSync(csv, `a,b,y\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 11},${i % 5}`).join('\n')}\n`);
  const ckpt = path('rows.ckpt');
  const first = runCli('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--backend', 'cpu', '--epochs', '1', '--checkpoint', ckpt, '--quiet']);

  test.each([
    [['--standardize', 'off'], /its --standardize is on, this run's is off$/],
    [['--test-fraction', '0.5'], /its --test-fraction is 0\.2, this run's is 0\.5$/],
    // settings of several fields: only those that differ, as the flags take them
    [['--loss', 'mse'], /was written by a different run: its --loss is half-mse, this run's is mse$/],
    [['--intercept', 'off'], /was written by a different run: its --intercept is on, this run's is off$/],
    [['--optimizer', 'adam'], /was written by a different run: its --optimizer is sgd, this run's is adam$/],
    [['--schedule', 'cosine'], /was written by a different run: its --schedule is constant, this run's is cosine$/],
  ])('--resume with %j names the option, not the checksum', (args, pattern) => {
    expect(first.code, first.stderr).toBe(0);
    refused(runCli('train', ['--resume', ckpt, '--epochs', '2', ...args]), pattern);
  });

  test('--noise on a resumed synthetic run says the rows are the checkpoint\'s', () => {
    const synthetic = path('synthetic.ckpt');
    const trained = runCli('train', ['--task', 'regression', '--synthetic', '100,2', '--noise', '0.3', '--backend', 'cpu', '--epochs', '1', '--checkpoint', synthetic, '--quiet']);
    expect(trained.code, trained.stderr).toBe(0);
    refused(runCli('train', ['--resume', synthetic, '--epochs', '2', '--noise', '0.7']), /^train: --noise cannot change on resume: the data is the checkpoint's --synthetic 100,2 with noise 0\.3, generated again as it was$/);
  });

  test('a moved CSV: --target alone says to give --csv (not --synthetic), and --csv NEW alone resumes', () => {
    expect(first.code, first.stderr).toBe(0);
    const moved = path('moved.csv');
    renameSync(csv, moved);
    const lost = runCli('train', ['--resume', ckpt, '--epochs', '2']);
    refused(lost, /its data cannot be loaded again .*; give it with --csv FILE, its new place \(the target stays y\)$/);
    const target = runCli('train', ['--resume', ckpt, '--epochs', '2', '--target', 'y']);
    refused(target, /^train: --target applies to --csv only: it names a column of the CSV \(a resumed run whose CSV moved: --csv NEW_PATH/);
    expect(target.stderr).not.toMatch(/synthetic/);
    const resumed = runCli('train', ['--resume', ckpt, '--epochs', '2', '--csv', moved]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
