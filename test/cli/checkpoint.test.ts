/**
 * No lost work, through the real command: a run stopped by SIGTERM or killed by SIGKILL and
 * resumed with --resume ends with the same weights file, byte for byte, as a run never stopped;
 * bad checkpoints are refused with one line and left as they were; a diverging run stops at
 * once, keeps its history and never replaces a good checkpoint.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpoint } from '../../src/io/checkpoint';
import type { RunReport } from '../../src/io/run-report';
import { nodeArgs, runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = writeIdxFolder(head(mnist().train, 997), head(mnist().test, 101));
const out = mkdtempSync(join(tmpdir(), 'downhill-ckpt-'));
const path = (name: string) => join(out, name);
// SGD, 3 epochs of 997 updates: long enough to be stopped mid-way (the signals land after updates 100 and 600 of 2991)
const RUN = ['--data', data, '--batch-size', '1', '--epochs', '3', '--lr', '0.01', '--seed', '3', '--record-every', '2000', '--step-variant', 'four-kernels'];

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, nodeArgs('train', args), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr: stderr.split('\n').filter((l) => l && !l.startsWith('error: XDG_RUNTIME_DIR')).join('\n') })),
  );
  return { child, done };
}

/** Resolves once `file` exists and holds a checkpoint at or after `steps` updates. */
async function checkpointReaches(file: string, steps: number): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 25) {
    if (existsSync(file) && decodeCheckpoint(readFileSync(file), file).state.steps >= steps) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} never reached ${steps} updates`);
}

let reference: Buffer | undefined;
function uninterrupted(): Buffer {
  if (!reference) {
    const r = runCli('train', [...RUN, '--save', path('whole.bin')]);
    expect(r.code).toBe(0);
    reference = readFileSync(path('whole.bin'));
  }
  return reference;
}

describe('stopped runs resume to the same weights', () => {
  test('SIGTERM: stops at the next step boundary, writes the checkpoint and the JSON so far, exits 143', async () => {
    const ckpt = path('term.ckpt');
    const json = path('term.json');
    const { child, done } = start([...RUN, '--checkpoint', ckpt, '--checkpoint-every', '100', '--json', json]);
    await checkpointReaches(ckpt, 100);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/^SIGTERM: stopping at the next step boundary/m);
    expect(r.stderr).toMatch(new RegExp(`^train: stopped by SIGTERM after update (\\d+); history so far in --json ${json}; checkpoint ${ckpt} holds update \\1; continue with: npm run train -- --resume ${ckpt} --json ${json} --checkpoint-every 100$`, 'm'));
    const stoppedAt = Number(/after update (\d+)/.exec(r.stderr)![1]);
    expect(decodeCheckpoint(readFileSync(ckpt), ckpt).state.steps).toBe(stoppedAt);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.stopped).toMatchObject({ reason: 'interrupted', step: stoppedAt });
    expect(report.final).toBeNull();
    expect(report.history[0]!.step).toBe(0);

    const resumed = runCli('train', ['--resume', ckpt, '--data', data, '--save', path('term.bin')]);
    expect(resumed.stderr.trim()).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resuming from ${ckpt}: update ${stoppedAt}`);
    expect(readFileSync(path('term.bin')).equals(uninterrupted())).toBe(true);
  });

  test('SIGKILL: the last periodic checkpoint survives, and resuming from it gives the same weights', async () => {
    const ckpt = path('kill.ckpt');
    const { child, done } = start([...RUN, '--checkpoint', ckpt, '--checkpoint-every', '300']);
    await checkpointReaches(ckpt, 600);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const saved = decodeCheckpoint(readFileSync(ckpt), ckpt); // whole and valid: writes are atomic
    expect(saved.state.steps % 300).toBe(0);
    const resumed = runCli('train', ['--resume', ckpt, '--data', data, '--save', path('kill.bin')]);
    expect(resumed.code).toBe(0);
    expect(readFileSync(path('kill.bin')).equals(uninterrupted())).toBe(true);
  });
});

/** the same 997 images with one label changed */
function otherData(): string {
  const train = head(mnist().train, 997);
  const labels = Uint8Array.from(train.labels);
  labels[0] = (labels[0]! + 1) % 10;
  return writeIdxFolder({ ...train, labels }, head(mnist().test, 101));
}

describe('bad checkpoints are refused, and left as they were', () => {
  const good = path('good.ckpt');
  const make = () => {
    if (!existsSync(good)) expect(runCli('train', ['--data', data, '--batch-size', '100', '--epochs', '1', '--checkpoint', good]).code).toBe(0);
    return readFileSync(good);
  };
  const variant = (name: string, bytes: Uint8Array) => {
    writeFileSync(path(name), bytes);
    return path(name);
  };
  test.each([
    { name: 'missing', file: () => path('nope.ckpt'), args: [], error: /cannot read --resume .*nope\.ckpt: no such file/ },
    { name: 'not a checkpoint', file: () => variant('text.ckpt', new TextEncoder().encode('hello')), args: [], error: /not a downhill checkpoint \(missing DOWNCKPT magic\)/ },
    { name: 'truncated', file: () => variant('short.ckpt', make().subarray(0, make().length - 8)), args: [], error: /expected (\d+) bytes of parameters and state after the header, found \d+ \(truncated or padded\)/ },
    { name: 'a flipped bit in the parameters', file: () => { const b = Uint8Array.from(make()); b[b.length - 100]! ^= 4; return variant('flip.ckpt', b); }, args: [], error: /checksum mismatch/ },
    { name: 'a weights file', file: () => { expect(runCli('train', ['--data', data, '--epochs', '1', '--save', path('w.bin')]).code).toBe(0); return path('w.bin'); }, args: [], error: /is a weights file, not a training checkpoint: --init \S*w\.bin starts a new run from its weights/ },
    { name: 'another batch size', file: () => good, args: ['--batch-size', '10'], error: /was written by a different run: its --batch-size is 100, this run's is 10/ },
    { name: 'another seed', file: () => good, args: ['--seed', '7'], error: /its --seed is 1, this run's is 7/ },
    { name: 'other data of the same size', file: () => good, args: ['--data', otherData()], error: /its training data checksum is \d+, this run's is \d+/ },
    { name: 'another backend', file: () => good, args: ['--backend', 'cpu'], error: /its --backend is webgpu, this run's is cpu/ },
  ])('$name', ({ file, args, error }) => {
    make();
    const f = file();
    const before = existsSync(f) ? readFileSync(f) : undefined;
    // the data folder the case names, else the run's own (an option is given once)
    const r = runCli('train', ['--resume', f, ...(args.includes('--data') ? [] : ['--data', data]), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(error);
    if (before) expect(readFileSync(f).equals(before)).toBe(true);
  });
});

describe('divergence', () => {
  test('a huge learning rate stops at once, names the update, keeps the history and the good checkpoint', () => {
    const ckpt = path('diverge.ckpt');
    expect(runCli('train', ['--data', data, '--batch-size', '100', '--epochs', '1', '--checkpoint', ckpt]).code).toBe(0);
    const good = readFileSync(ckpt);
    const json = path('diverge.json');
    const r = runCli('train', ['--data', data, '--batch-size', '10', '--lr', '1e38', '--epochs', '1', '--checkpoint', ckpt, '--checkpoint-every', '1', '--json', json]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toMatch(/^train: training diverged: the loss became (NaN|Infinity|-Infinity) at update (\d+) \(update \d+ of epoch 1\); the learning rate 1e38 is too large for batch 10, try a smaller one \(--lr 1e37\)/);
    const step = Number(/at update (\d+)/.exec(r.stderr)![1]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.stopped).toMatchObject({ reason: 'diverged', step });
    expect(report.history[0]!.loss).toBeCloseTo(Math.log(10), 5);
    // every checkpoint this run wrote (if any) was of finite parameters before the divergence
    const now = readFileSync(ckpt);
    if (!now.equals(good)) expect(decodeCheckpoint(now, ckpt).state.steps).toBeLessThan(step);
  });
});
