/** train --sweep through the real command: the table, the best configuration, the JSON, and its bad input. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseLearningRate, parseList, rateList } from '../../src/command/args';
import { UserError } from '../../src/errors';
import { OPTIMIZER_KINDS } from '../../src/optim/optimizer';
import { decodeSweepCheckpoint } from '../../src/io/checkpoint';
import { runCli, startCli, waitFor } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = writeIdxFolder(head(mnist().train, 600), head(mnist().test, 100));
const out = mkdtempSync(join(tmpdir(), 'downhill-sweep-'));

describe('a list option', () => {
  test.each([
    { flag: '--lrs', text: '0.1,0.1', parse: parseLearningRate, error: '--lrs lists 0.1 twice' },
    { flag: '--lrs', text: '0.1, 0.10', parse: parseLearningRate, error: '--lrs lists 0.10 twice' },
    { flag: '--optimizers', text: 'sgd,adam,sgd', parse: (s: string) => s, error: '--optimizers lists sgd twice' },
    { flag: '--lrs', text: '0.1,', parse: parseLearningRate, error: "--lrs must be a comma-separated list, got '0.1,'" },
  ])('$flag $text: $error', ({ flag, text, parse, error }) => expect(() => parseList<unknown>(flag, text, parse)).toThrow(new UserError(error)));
  test.each([
    ['--lrs', '0.1,0.1000000001', "--lrs lists 0.1 and 0.1000000001, the same value in float32 (it would be trained twice)"],
    ['--lrs', '0.1, 0.10', '--lrs lists 0.10 twice'],
  ])('rateList %s %s: %s', (flag, text, error) => expect(() => rateList(flag, text, [])).toThrow(new UserError(error)));
  test('distinct values are kept in order; repeats where allowed', () => {
    expect(parseList('--lrs', '0.5, 0.1', parseLearningRate)).toEqual([0.5, 0.1]);
    expect(parseList('--lrs', '0.1,0.1', parseLearningRate, 'allowed')).toEqual([0.1, 0.1]);
  });
});

/** A sweep checkpoint's state, or undefined while none is written (writes are atomic). */
const sweepState = (file: string) => (existsSync(file) ? decodeSweepCheckpoint(readFileSync(file), file).state : undefined);

/** What a sweep's end must not change: the curves (but the clocks and running batch losses), the best, and every run's weights' bytes. */
function sweepEnd(json: string, checkpoint: string) {
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const runs = report.runs.map((r: { history: Array<Record<string, number>> }) => ({ ...r, history: r.history.map(({ trainMs: _, batchLoss: __, ...h }) => h) }));
  return { runs, best: report.best, weights: sweepState(checkpoint)!.runs.map((r) => Buffer.from(r.params.buffer).toString('base64')) };
}

describe('train --sweep --checkpoint, --resume', () => {
  test('stopped mid-way (SIGTERM) and resumed, it ends as the sweep that ran through', async () => {
    const small = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
    const args = ['--sweep', '--data', small, '--lrs', '0.05,0.5', '--batch-sizes', '50,10', '--optimizers', 'sgd,adam', '--epochs', '2', '--checkpoint-every', '5'];
    const [through, stopped] = [join(out, 'through.ckpt'), join(out, 'stopped.ckpt')];
    expect(runCli('train', [...args, '--checkpoint', through, '--json', `${through}.json`]).code).toBe(0);
    const run = startCli('train', [...args, '--checkpoint', stopped, '--json', `${stopped}.json`]);
    // frozen once the second batch size is under way, so that the stop lands there however fast the run is
    await waitFor('a checkpoint inside the second batch size', () => (sweepState(stopped)?.groups.length ?? 0) === 1 && sweepState(stopped)!.current !== null || run.child.exitCode !== null);
    run.child.kill('SIGSTOP');
    run.child.kill('SIGTERM');
    run.child.kill('SIGCONT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain(`--sweep --resume ${stopped} continues it`);
    expect(sweepState(stopped)!.current).not.toBeNull();
    const resumed = runCli('train', ['--sweep', '--resume', stopped, '--json', `${stopped}.json`]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^resuming from ${stopped}: 1 of 2 batch sizes done, batch 10 at update \\d+$`, 'm'));
    expect(sweepEnd(`${stopped}.json`, stopped)).toEqual(sweepEnd(`${through}.json`, through));
    // a sweep's checkpoint is not a run's, and a resume names what differs
    expect(runCli('train', ['--resume', stopped]).stderr).toContain(`is a sweep's checkpoint: `);
    expect(runCli('train', ['--sweep', '--resume', stopped, '--lrs', '0.1']).stderr).toMatch(/was written by a different sweep: its --lrs are \[0\.05,0\.5\], this one's \[0\.1\]/);
  });
});

describe('train --sweep', () => {
  test('2 rates x 2 batch sizes x 2 optimisers: a row each, the best, every curve in the JSON', () => {
    const json = join(out, 'sweep.json');
    const r = runCli('train', ['--sweep', '--data', data, '--lrs', '0.05,0.5', '--batch-sizes', '20,100', '--optimizers', 'sgd,adam', '--epochs', '2', '--json', json]);
    expect(r.stderr.trim()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sweep: 8 configurations (lrs 0.05, 0.5 x batch sizes 20, 100 x sgd, adam), 2 epochs');
    expect(r.stdout.match(/^\| (20|100) \| (sgd|adam) \| (0\.05|0\.5) \| /gm)).toHaveLength(8);
    expect(r.stdout).toMatch(/^best: batch (20|100), (sgd|adam), lr (0\.05|0\.5): training loss \d\.\d{4}/m);
    expect(r.stdout).toMatch(/batch 20: 4 stacked, .*; batch 100: 4 stacked/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.schema).toBe('downhill-sweep/1');
    expect(report.runs).toHaveLength(8);
    expect(report.runs[0].history).toHaveLength(3);
    expect(report.best).toMatchObject({ batchSize: expect.any(Number), optimizer: expect.any(String), lr: expect.any(Number) });
  });

  test.each([
    { name: 'regression on synthetic data, WebGPU', args: ['--task', 'regression', '--synthetic', '500,4', '--noise', '0.1'] },
    { name: 'regression on synthetic data, CPU', args: ['--task', 'regression', '--synthetic', '500,4', '--noise', '0.1', '--backend', 'cpu'] },
    { name: 'the classifier on the CPU', args: ['--data', data, '--backend', 'cpu'] },
  ])('$name: through the same path', ({ args }) => {
    const json = join(out, 'any.json');
    const r = runCli('train', ['--sweep', ...args, '--lrs', '0.01,0.1', '--batch-sizes', '10', '--optimizers', 'sgd,adam', '--epochs', '2', '--json', json]);
    expect(r.stderr.trim()).toBe('');
    expect(r.code).toBe(0);
    const regression = args.includes('regression');
    expect(r.stdout).toContain(`| final train loss | ${regression ? 'test R²' : 'test accuracy'} |`);
    expect(r.stdout.match(/^\| 10 \| (sgd|adam) \| (0\.01|0\.1) \| /gm)).toHaveLength(4);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.config).toMatchObject({ task: regression ? 'regression' : 'classification', backend: args.includes('cpu') ? 'cpu' : 'webgpu' });
    if (regression) expect(Math.max(...report.runs.map((run: { history: Array<{ testAccuracy: number }> }) => run.history.at(-1)!.testAccuracy))).toBeGreaterThan(0.95);
  });

  test('no test set (--test-fraction 0): no test column and no test metric, never NaN', () => {
    const r = runCli('train', ['--sweep', '--task', 'regression', '--synthetic', '200,4', '--test-fraction', '0', '--backend', 'cpu', '--lrs', '0.01,0.1', '--batch-sizes', '10', '--epochs', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|test R²/);
    expect(r.stdout).toMatch(/^sweep: 2 configurations \(.*\), 1 epoch, seed 1,/m);
    expect(r.stdout).toContain('\n| batch | optimizer | lr | final train loss |\n| --- | --- | --- | --- |\n');
    expect(r.stdout.match(/^\| 10 \| sgd \| (0\.01|0\.1) \| \d\.\d{4} \|$/gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/^best: batch 10, sgd, lr 0\.1: training loss \d\.\d{4}$/m);
  });

  test('no --batch-sizes on fewer than 100 training rows: the default is all of them, as a single run\'s', () => {
    const r = runCli('train', ['--sweep', '--task', 'regression', '--synthetic', '100,2', '--backend', 'cpu', '--lrs', '0.1,0.5', '--epochs', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sweep: 2 configurations \(lrs 0\.1, 0\.5 x batch sizes 80 x sgd\)/m);
  });

  test.each([
    { args: ['--lrs', '0.1'], error: /--lrs applies to --sweep only/ },
    { args: ['--sweep', '--lr', '0.1'], error: /--lr does not apply to --sweep \(use --lrs\)$/ },
    { args: ['--sweep', '--lrs', '0.1,x'], error: /^train: --lrs must be a positive finite number, got 'x'$/ },
    { args: ['--sweep', '--lrs', '0.1,,0.2'], error: /--lrs must be a comma-separated list, got '0.1,,0.2'/ },
    { args: ['--sweep', '--optimizers', 'sgd,lbfgs'], error: new RegExp(`^train: --optimizers must be one of ${OPTIMIZER_KINDS.join(', ')}, got 'lbfgs'$`) },
    { args: ['--sweep', '--batch-sizes', '0'], error: /^train: --batch-sizes must be a whole number of at least 1/ },
    { args: ['--sweep', '--batch-sizes', '601'], error: /^train: --batch-sizes 601 is larger than the 600 training examples/ },
    { args: ['--sweep', '--optimizers', 'sgd,adam', '--momentum', '0.5'], error: /^train: --momentum applies to --optimizers momentum or nesterov only$/ },
    { args: ['--sweep', '--step-variant', 'tune'], error: /--step-variant does not apply to --sweep/ },
    { args: ['--sweep', '--batch-sizes', '100,20,100'], error: /^train: --batch-sizes lists 100 twice$/ },
    { args: ['--sweep', '--lrs', '0.1,0.1000000001'], error: /^train: --lrs lists 0\.1 and 0\.1000000001, the same value in float32 \(it would be trained twice\)$/ },
  ])('$error', ({ args, error }) => {
    const r = runCli('train', ['--data', data, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(error);
  });
});

test('more configurations than the CPU engine holds for the data: one line naming --lrs × --optimizers and the limit, before any is allocated', () => {
  // 100,004 parameters each: 1,788 configurations fit in the CPU engine's 2 GiB; 358 rates × 5 optimisers are 1,790
  const lrs = Array.from({ length: 358 }, (_, i) => String((i + 1) / 1000)).join(',');
  const r = runCli('train', ['--sweep', '--task', 'regression', '--synthetic', '100,100000', '--backend', 'cpu', '--lrs', lrs, '--optimizers', OPTIMIZER_KINDS.join(','), '--batch-sizes', '10', '--epochs', '1']);
  expect(r.stderr.trim()).toMatch(/^train: --lrs × --optimizers must be at most 1,788 for this data \(each needs 1,200,688 bytes of parameters, optimiser state and losses; the CPU engine holds at most 2,147,483,648\), got 1790$/);
  expect(r.code).toBe(2);
});
