/**
 * Impossible and conflicting options in every mode (single runs, sweeps, regression, evaluate,
 * resumed runs), through the real command: one line, exit 2, before any work. The cases a hostile
 * user found that the first version accepted silently or answered with a stack trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { expectOneLineError, runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-options-'));
const path = (name: string) => join(out, name);
const data = writeIdxFolder(head(mnist().train, 120), head(mnist().test, 20));
writeFileSync(path('ok.csv'), 'a,y\n1,2\n2,4\n3,6\n4,8\n5,10\n6,12\n');
writeFileSync(path('tiny.csv'), 'a,y\n1e-300,1\n2e-300,2\n3e-300,3\n4e-300,4\n');
writeFileSync(path('subnorm.csv'), 'a,b,y\n1e-310,2,3\n2e-310,3,5\n3e-310,5,8\n4e-310,4,8\n5e-310,1,6\n');
writeFileSync(path('ovsum.csv'), 'a,b,y\n1.7e308,2,3\n1.6e308,3,5\n1.5e308,5,8\n');
writeFileSync(path('huge.csv'), 'a,b,y\n1,2,3\n2,1e38,5\n3,5,8\n4,1e38,5\n');

/** One line, exit 2, and refused before any work: not even the adapter line was printed. */
function refused(command: 'train' | 'evaluate', args: string[], message: RegExp): void {
  expect(expectOneLineError(command, args, message).stdout).toBe('');
}

describe('refused before any work', () => {
  test.each([
    { name: '--target with --synthetic', args: ['--task', 'regression', '--synthetic', '200,3', '--target', 'y'], error: /^train: --target applies to --csv only/ },
    { name: '--noise with --csv', args: ['--task', 'regression', '--csv', path('ok.csv'), '--target', 'y', '--noise', '3'], error: /^train: --noise applies to --synthetic only$/ },
    { name: 'a sweep: --decay-every without --schedule step', args: ['--sweep', '--data', data, '--schedule', 'cosine', '--decay-every', '3'], error: /^train: --decay-every applies to --schedule step only$/ },
    { name: 'a sweep: --momentum with only sgd', args: ['--sweep', '--data', data, '--momentum', '0.5'], error: /^train: --momentum applies to --optimizers momentum or nesterov only$/ },
    { name: 'a sweep: --beta1 without adam', args: ['--sweep', '--data', data, '--optimizers', 'sgd,momentum', '--beta1', '0.5'], error: /^train: --beta1 applies to --optimizers adam only$/ },
    { name: 'an epsilon that is 0 in float32', args: ['--data', data, '--optimizer', 'adam', '--epsilon', '1e-50'], error: /^train: --epsilon must be a positive number float32 can hold, at most 1 \(1\.18e-38 to 1: .*\), got '1e-50'$/ },
    { name: 'a momentum that is 0 in float32', args: ['--data', data, '--optimizer', 'momentum', '--momentum', '1e-300'], error: /^train: --momentum must be a number between 0 and 1 \(exclusive\) that float32 holds as such \(1\.18e-38 to 0\.99999994\), got '1e-300'$/ },
    { name: 'an epsilon that swamps the steps', args: ['--data', data, '--optimizer', 'adam', '--epsilon', '3e38'], error: /^train: --epsilon must be a positive number float32 can hold, at most 1 .*got '3e38'$/ },
    { name: 'an epsilon beyond float32', args: ['--data', data, '--optimizer', 'adam', '--epsilon', '1e300'], error: /^train: --epsilon must be a positive number float32 can hold/ },
    { name: 'a sweep: an epsilon beyond float32', args: ['--sweep', '--data', data, '--optimizers', 'adam', '--epsilon', '1e300'], error: /^train: --epsilon must be a positive number float32 can hold/ },
    { name: 'a default rate that underflows float32', args: ['--task', 'regression', '--csv', path('huge.csv'), '--target', 'y', '--standardize', 'off', '--test-fraction', '0', '--backend', 'cpu', '--save', path('huge.w')], error: /^train: the data's scale makes the default learning rate \(4e-77\) underflow float32, which holds 1\.18e-38 to 3\.40e\+38: standardise the features \(--standardize on\)$/ },
    { name: 'a column whose weight in its units overflows float64', args: ['--task', 'regression', '--csv', path('subnorm.csv'), '--target', 'y', '--test-fraction', '0', '--backend', 'cpu', '--save', path('sn.bin')], error: /^train: .*subnorm\.csv: column 'a' spreads only 1\.41e-310: a weight in the data's units \(divided by that spread\) would overflow float64: scale the column up$/ },
    { name: 'features float32 makes Infinity', args: ['--task', 'regression', '--csv', path('ovsum.csv'), '--target', 'y', '--standardize', 'off', '--backend', 'cpu'], error: /^train: .*ovsum\.csv: column 'a' holds 1\.7e\+308, which float32 \(the kernels' precision, largest 3\.40e\+38\) makes Infinity: standardise the columns \(--standardize on\) or scale it$/ },
    { name: 'features float32 makes 0', args: ['--task', 'regression', '--csv', path('tiny.csv'), '--target', 'y', '--standardize', 'off', '--test-fraction', '0', '--backend', 'cpu'], error: /^train: .*tiny\.csv: column 'a' holds 1e-300, which float32 \(the kernels' precision, smallest normal 1\.18e-38\) makes 0: standardise the columns \(--standardize on\) or scale it$/ },
    { name: 'a warm-up as long as the run', args: ['--data', data, '--backend', 'cpu', '--epochs', '1', '--schedule', 'cosine', '--warmup', '1000000'], error: /^train: --warmup 1000000 is not shorter than the run's 2 updates \(1 epoch of 2 at batch 100\): the rate would never reach its base; give fewer updates of warm-up or more --epochs$/ },
    { name: 'step decay after the run', args: ['--data', data, '--backend', 'cpu', '--epochs', '1', '--schedule', 'step', '--decay-every', '1000'], error: /^train: --decay-every 1000 is not shorter than the run's 1 epoch: the rate would never decay; decay more often or give more --epochs$/ },
    { name: 'a sweep: a warm-up as long as its shortest run', args: ['--sweep', '--data', data, '--backend', 'cpu', '--epochs', '2', '--batch-sizes', '10,60', '--warmup', '4'], error: /^train: --warmup 4 is not shorter than the run's 4 updates \(2 epochs of 2 at batch 60, the largest\): the rate would never reach its base; give fewer updates of warm-up or more --epochs$/ },
    { name: 'a rate beyond float32', args: ['--data', data, '--lr', '1e300'], error: /^train: --lr must be a positive number float32 can hold \(1\.18e-38 to 3\.40e\+38\), got '1e300'$/ },
    { name: 'a hexadecimal rate', args: ['--data', data, '--lr', '0x10'], error: /^train: --lr must be a positive finite number, got '0x10'$/ },
    { name: 'an empty --data', args: ['--data', ''], error: /^train: --data: the path is empty$/ },
  ])('train: $name', ({ args, error }) => refused('train', args, error));

  test('evaluate: --adapter with --backend cpu, and an empty --data', () => {
    expect(runCli('train', ['--data', data, '--epochs', '1', '--backend', 'cpu', '--save', path('w.bin')]).code).toBe(0);
    refused('evaluate', ['--load', path('w.bin'), '--data', data, '--backend', 'cpu', '--adapter', 'swiftshader'], /^evaluate: --adapter applies to --backend webgpu only$/);
    refused('evaluate', ['--load', path('w.bin'), '--data', ''], /^evaluate: --data: the path is empty$/);
  });
});

describe('resumed runs', () => {
  const ckpt = path('four.ckpt');
  const make = () => expect(runCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '30', '--epochs', '4', '--checkpoint', ckpt]).code).toBe(0);

  test('a cosine run resumed with other --epochs is refused: the cosine spans the run', () => {
    const cosine = path('cosine.ckpt');
    expect(runCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '30', '--epochs', '2', '--schedule', 'cosine', '--checkpoint', cosine]).code).toBe(0);
    refused('train', ['--resume', cosine, '--epochs', '4'], /^train: --resume .*cosine\.ckpt follows a cosine schedule over its 2 epochs; --epochs 4 would change that curve \(it spans the whole run\), so the run so far would not be the one continued: resume with --epochs 2, or leave it out$/);
  });

  test('--epochs fewer than the checkpoint has trained is refused', () => {
    make();
    refused('train', ['--resume', ckpt, '--epochs', '2'], /^train: --resume .*four\.ckpt has trained into epoch 4; --epochs 2 would end before where it stopped \(give at least 4\)$/);
  });

  test('a checkpoint edited by hand (its checksum recomputed) to an impossible batch size: one line, not a stack', () => {
    make();
    const saved = decodeCheckpoint(readFileSync(ckpt), ckpt);
    writeFileSync(path('crafted.ckpt'), encodeCheckpoint({ ...saved, run: { ...saved.run, batchSize: 5000 } }));
    refused('train', ['--resume', path('crafted.ckpt')], /^train: --resume .*crafted\.ckpt: corrupt run description: batch size 5000 is larger than its 120 training examples$/);
    writeFileSync(path('crafted2.ckpt'), encodeCheckpoint({ ...saved, state: { ...saved.state, epoch: 100 } }));
    refused('train', ['--resume', path('crafted2.ckpt')], /corrupt training state: update 0 of epoch 101 is outside a run of 4 epochs of 4 updates$/);
  });

  test('a diverged run points at its last good checkpoint but offers no resume that would diverge again', () => {
    const dv = path('dv.ckpt');
    const r = runCli('train', ['--data', data, '--batch-size', '10', '--epochs', '3', '--lr', '1e37', '--checkpoint', dv, '--checkpoint-every', '1']);
    expect(r.code).toBe(3);
    const line = r.stderr.trim();
    expect(line).toMatch(/^train: training diverged: .*try a smaller one \(--lr 1e36\); checkpoint .*dv\.ckpt holds update \d+, from before the divergence \(resuming it would diverge again: start a new run with a smaller --lr\)$/);
    expect(line).not.toContain('continue with');
  });
});
