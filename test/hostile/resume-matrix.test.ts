/**
 * Exact resume through the real command, for every optimiser x schedule x backend x step variant
 * of the classifier, and every optimiser x backend of linear regression (on a CSV file and on
 * synthetic data, which a resume loads again from what the checkpoint records).
 * Each case runs the command four times: once uninterrupted; once killed by SIGKILL after its
 * first periodic checkpoint; resumed with `--resume` (and nothing else: the checkpoint carries the
 * options, the data folder and the backend) and stopped by SIGTERM after its next checkpoint,
 * which must exit 143 and print the resume command; and resumed again, as printed, to the end.
 * The final weights file must be byte-identical to the uninterrupted run's. Each interrupted run
 * is frozen (SIGSTOP) the moment its checkpoint appears, so the signal lands mid-run however
 * fast the run is.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../../src/optim/optimizer';
import { checkpointSteps, freezeAtCheckpoint, runCli, startCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-matrix-'));
const small = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
const large = writeIdxFolder(head(mnist().train, 1100), head(mnist().test, 30));

const csv = join(out, 'rows.csv');
writeFileSync(csv, `a,b,c,d,e,y\n${Array.from({ length: 400 }, (_, i) => {
  const x = [Math.sin(i), Math.cos(i * 0.7), (i % 13) / 13, Math.sin(i * 0.3) * 2, ((i * 7) % 11) - 5];
  return `${x.map((v) => v.toFixed(4)).join(',')},${(3 * x[0]! - x[1]! + 0.5 * x[4]! + Math.sin(i * 1.7) * 0.1).toFixed(4)}`;
}).join('\n')}\n`);
const REGRESSION_DATA = {
  csv: ['--task', 'regression', '--csv', csv, '--target', 'y'],
  synthetic: ['--task', 'regression', '--synthetic', '400,6', '--noise', '0.2'],
} as const;

/** A run shape per step variant: its data, batch size and length, long enough to stop mid-way. */
const SHAPES = {
  'four-kernels': { data: small, args: ['--batch-size', '10', '--epochs', '6'], every: 20 },
  'split-k-64': { data: small, args: ['--batch-size', '150', '--epochs', '20'], every: 4 },
  'split-k-512': { data: large, args: ['--batch-size', 'full', '--epochs', '12'], every: 2 },
  'register-blocked': { data: large, args: ['--batch-size', 'full', '--epochs', '12'], every: 2 },
  'fused-32': { data: small, args: ['--batch-size', '4', '--epochs', '3'], every: 30 },
  'fused-64': { data: small, args: ['--batch-size', '4', '--epochs', '3'], every: 30 },
  'fused-256': { data: small, args: ['--batch-size', '4', '--epochs', '3'], every: 30 },
  cpu: { data: small, args: ['--batch-size', '10', '--epochs', '6'], every: 20 },
  regression: { data: '', args: ['--batch-size', '8', '--epochs', '6'], every: 20 },
} as const;
type Shape = keyof typeof SHAPES;

/** Every optimiser, at a rate that trains these shapes without diverging (0.002 for the adaptive ones). */
const RATES: Partial<Record<OptimizerKind, string>> = { sgd: '0.05', momentum: '0.01', nesterov: '0.01' };
const OPTIMIZERS = Object.fromEntries(OPTIMIZER_KINDS.map((k) => [k, ['--optimizer', k, '--lr', RATES[k] ?? '0.002']]));
const SCHEDULES = {
  constant: [],
  step: ['--schedule', 'step', '--decay-every', '2', '--decay-factor', '0.7'],
  'cosine+warmup': ['--schedule', 'cosine', '--warmup', '5'],
} as const;

interface Case {
  name: string;
  shape: Shape;
  args: string[];
}

const cases: Case[] = [];
for (const [optimizer, optimizerArgs] of Object.entries(OPTIMIZERS)) {
  for (const [schedule, scheduleArgs] of Object.entries(SCHEDULES)) {
    for (const shape of Object.keys(SHAPES) as Shape[]) {
      if (shape === 'regression') continue;
      // the fused step is plain SGD: it applies to --optimizer sgd only
      if (shape.startsWith('fused') && optimizer !== 'sgd') continue;
      const backend = shape === 'cpu' ? ['--backend', 'cpu'] : ['--step-variant', shape];
      cases.push({
        name: `${optimizer}, ${schedule}, ${shape === 'cpu' ? 'cpu' : `webgpu ${shape}`}`,
        shape,
        args: ['--data', SHAPES[shape].data, ...SHAPES[shape].args, '--seed', '5', ...optimizerArgs, ...scheduleArgs, ...backend],
      });
    }
  }
}

// linear regression: each optimiser on each backend, with a schedule; CSV and synthetic data in turn
for (const [i, [optimizer, optimizerArgs]] of Object.entries(OPTIMIZERS).entries()) {
  for (const backend of ['webgpu', 'cpu']) {
    const data = i % 2 === 0 ? 'csv' : 'synthetic';
    cases.push({
      name: `regression on ${data}, ${optimizer}, cosine+warmup, ${backend}`,
      shape: 'regression',
      args: [...REGRESSION_DATA[data], ...SHAPES.regression.args, '--seed', '5', ...optimizerArgs, ...SCHEDULES['cosine+warmup'], '--backend', backend],
    });
  }
}

function file(c: Case, suffix: string): string {
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
    const first = startCli('train', [...c.args, '--save', weights, '--checkpoint', ckpt, '--checkpoint-every', String(SHAPES[c.shape].every)]);
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
