/**
 * Exact resume through the real command, for a few cases of the resume matrix
 * (test/helpers/resume-matrix.ts; test/reliability/resume-matrix.test.ts runs every case in
 * process through fit): the classifier on WebGPU's fused step from an IDX folder, regression on a
 * CSV file on WebGPU, and regression on synthetic data with Adam on the CPU (a resume loads the
 * data again from what the checkpoint records), each on a cheap shape.
 * Each case runs the command four times: once uninterrupted; once killed by SIGKILL after its
 * first periodic checkpoint; resumed with `--resume` (and nothing else: the checkpoint carries the
 * options, the data folder and the backend) and stopped by SIGTERM after its next checkpoint,
 * which must exit 143 and print the resume command; and resumed again, as printed, to the end.
 * The final weights file must be byte-identical to the uninterrupted run's. Each interrupted run
 * is frozen (SIGSTOP) the moment its checkpoint appears, so the signal lands mid-run however
 * fast the run is.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkpointSteps, freezeAtCheckpoint, runCli, startCli } from '../helpers/cli';
import { type MatrixCase, cliArgs, matrixCase } from '../helpers/resume-matrix';

const out = mkdtempSync(join(tmpdir(), 'downhill-matrix-'));

const cases = [
  'sgd, step, webgpu fused-64',
  'regression on csv, rmsprop, cosine+warmup, webgpu',
  'regression on synthetic, adam, cosine+warmup, cpu',
].map((name) => {
  // longer than the in-process shapes: the first process must still be running when the test
  // freezes it at a checkpoint, however late a loaded machine lets the test see the file (at 3
  // epochs a CPU regression run could pass its last checkpoint first, and the stop then landed after
  // the last update)
  const c = matrixCase(name);
  const long = { ...c, epochs: c.epochs * (name.startsWith('regression') ? 10 : 3) };
  return { ...long, args: cliArgs(long) };
});

function file(c: MatrixCase, suffix: string): string {
  return join(out, `${c.name.replace(/[^\w]+/g, '-')}.${suffix}`);
}

describe.each(cases)('$name', (c) => {
  test('uninterrupted = SIGKILL, --resume, SIGTERM, --resume as printed: byte-identical weights', async () => {
    const r = runCli('train', [...c.args, '--save', file(c, 'whole.bin')]);
    expect(r.code, r.stderr).toBe(0);
    const whole = readFileSync(file(c, 'whole.bin'));
    const ckpt = file(c, 'ckpt');
    const weights = file(c, 'bin');

    // 1. killed: the last periodic checkpoint survives (writes are atomic)
    const first = startCli('train', [...c.args, '--save', weights, '--checkpoint', ckpt, '--checkpoint-every', String(c.every)]);
    const frozen = await freezeAtCheckpoint(first, ckpt, 1);
    first.child.kill('SIGKILL');
    frozen.resume();
    expect((await first.done).signal).toBe('SIGKILL');
    const killedAt = checkpointSteps(ckpt);
    expect(killedAt).toBeGreaterThan(0);

    // 2. resumed from it (its lock is stale: the process is gone), then stopped by SIGTERM
    const second = startCli('train', ['--resume', ckpt, '--save', weights]);
    const frozenAgain = await freezeAtCheckpoint(second, ckpt, killedAt + 1);
    second.child.kill('SIGTERM');
    frozenAgain.resume();
    const stopped = await second.done;
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stdout).toContain(`resuming from ${ckpt}: update ${killedAt}`);
    const stoppedAt = checkpointSteps(ckpt);
    expect(stopped.stderr).toMatch(new RegExp(`^train: stopped by SIGTERM after update ${stoppedAt}; checkpoint .* holds update ${stoppedAt}; continue with: npm run train -- (.*)$`, 'm'));
    const hint = /continue with: npm run train -- (.*)$/m.exec(stopped.stderr)![1]!;
    expect(hint).toBe(`--resume ${ckpt} --save ${weights}`);

    // 3. resumed again with the printed command, to the end
    const last = runCli('train', hint.split(' '));
    expect(last.stderr.trim()).toBe('');
    expect(last.code).toBe(0);
    expect(last.stdout).toContain(`resuming from ${ckpt}: update ${stoppedAt}`);
    expect(readFileSync(weights).equals(whole)).toBe(true);
  });
});
