/**
 * A stop request (SIGINT, SIGTERM) in every mode and phase, through the real command: the run ends
 * within about a second or one step, writes what it promised (checkpoint, JSON so far), and exits
 * 130 or 143 with one line saying what happened. Modes: the CPU backend (whose steps never yield
 * by themselves), sweeps; phases: loading the data, measuring the step variants (tune), training,
 * the final evaluation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpoint } from '../../src/io/checkpoint';
import type { RunReport } from '../../src/io/run-report';
import type { BenchResults } from '../../src/measure/results';
import { type Running, freezeAtCheckpoint, runCli, signalGroup, sleep, startCli, startCliInGroup, startNpm, startUnderTimeout, waitFor } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-signals-'));
const path = (name: string) => join(out, name);
const small = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));

/** The one line train prints when it stops (besides the signal's acknowledgement). */
function stopLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('train: '));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('the CPU backend stops at a step boundary', () => {
  // SIGHUP: a closed terminal or a dropped ssh session, handled the same way (no locks left behind)
  test.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s: exit %i, checkpoint and JSON so far written', async (signal, code) => {
    const ckpt = path(`cpu-${signal}.ckpt`);
    const json = path(`cpu-${signal}.json`);
    const run = startCli('train', ['--data', small, '--backend', 'cpu', '--batch-size', '1', '--epochs', '50', '--optimizer', 'adam', '--checkpoint', ckpt, '--checkpoint-every', '50', '--json', json]);
    const frozen = await freezeAtCheckpoint(run, ckpt, 1);
    run.child.kill(signal);
    frozen.resume();
    const t0 = performance.now();
    const r = await run.done;
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`${signal}: stopping at the next step boundary`);
    const steps = decodeCheckpoint(readFileSync(ckpt), ckpt).state.steps;
    expect(stopLine(r.stderr)).toBe(
      `train: stopped by ${signal} after update ${steps}; history so far in --json ${json}; checkpoint ${ckpt} holds update ${steps}; continue with: npm run train -- --resume ${ckpt} --json ${json} --checkpoint-every 50`,
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.stopped).toMatchObject({ reason: 'interrupted', step: steps });
    expect(steps).toBeLessThan(50 * 300);
    expect(existsSync(`${ckpt}.lock`) || existsSync(`${json}.lock`)).toBe(false);
  });
});

describe('sweeps stop too', () => {
  test('SIGTERM mid-sweep: exit 143, the JSON holds every curve so far and says it stopped', async () => {
    const json = path('sweep.json');
    const run = startCli('train', ['--sweep', '--data', small, '--lrs', '0.05,0.1', '--batch-sizes', '1', '--epochs', '40', '--json', json]);
    await waitFor('the first epoch of the sweep', () => run.output().stdout.includes('epoch 1/40'));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toMatch(new RegExp(`^train: stopped by SIGTERM: 2 of 2 configurations trained, the last ones partly; results so far in --json ${json}$`));
    const report = JSON.parse(readFileSync(json, 'utf8')) as { stopped: { reason: string }; runs: Array<{ history: Array<{ epoch: number }> }> };
    expect(report.stopped.reason).toBe('interrupted');
    expect(report.runs).toHaveLength(2);
    const reached = report.runs[0]!.history.at(-1)!.epoch;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(40);
  });
});

describe('phases before and after training', () => {
  test('while loading a large CSV: exit 143 at once, nothing written', async () => {
    const csv = path('big.csv');
    const rows = Array.from({ length: 2_000_000 }, (_, i) => `${i % 997},${(i * 7) % 1013}`);
    writeFileSync(csv, `x,y\n${rows.join('\n')}\n`);
    const json = path('loading.json');
    const run = startCli('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--backend', 'cpu', '--json', json]);
    // the output's lock is taken just before the data is read
    await waitFor('the lock before loading', () => existsSync(`${json}.lock`));
    run.child.kill('SIGTERM');
    const t0 = performance.now();
    const r = await run.done;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toBe('train: stopped by SIGTERM while loading the data (nothing was written)');
    expect(existsSync(json)).toBe(false);
    expect(existsSync(`${json}.lock`)).toBe(false);
  });

  test('while generating synthetic rows: exit 143 within seconds, nothing written', async () => {
    // 30 million rows take 20 s and more to generate here
    const json = path('generating.json');
    const run = startCli('train', ['--task', 'regression', '--synthetic', '30000000,1', '--epochs', '1', '--backend', 'cpu', '--json', json]);
    await waitFor('the lock before loading', () => existsSync(`${json}.lock`));
    await sleep(1000);
    run.child.kill('SIGTERM');
    const t0 = performance.now();
    const r = await run.done;
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toBe('train: stopped by SIGTERM while loading the data (nothing was written)');
    expect(existsSync(json)).toBe(false);
    expect(existsSync(`${json}.lock`)).toBe(false);
  });

  test('while --step-variant tune measures full-batch steps on MNIST: stops after at most one step', async () => {
    const run = startCli('train', ['--batch-size', 'full', '--epochs', '1', '--step-variant', 'tune']);
    await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
    await sleep(300);
    run.child.kill('SIGTERM');
    const t0 = performance.now();
    const r = await run.done;
    // one full-batch step is about 2 s here
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toBe('train: stopped by SIGTERM before its first update');
  });

  test('during the final evaluation: the finished run is written in full, then exit 143', async () => {
    // a large test set makes the final evaluation long enough to be caught in it
    const data = writeIdxFolder(head(mnist().train, 300), mnist().train);
    const json = path('final.json');
    const weights = path('final.bin');
    const run = startCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '10', '--epochs', '1', '--json', json, '--save', weights]);
    await waitFor('the last recording', () => run.output().stdout.includes('step 30/30'), 60_000, 1);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toMatch(/^train: stopped by SIGTERM (during the test evaluation|after the last update, before the test evaluation); training was complete and every output was written$/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.history.at(-1)!.step).toBe(30);
    expect(existsSync(weights)).toBe(true);
  });
});

test('a second Ctrl-C a second after the first (past the copies\' window) quits at once, without waiting for the step', async () => {
  // full-batch steps on MNIST take about a second here: the first SIGINT waits for the step's end; the
  // second meets the step or the command winding down after it (outputs, the device's teardown), and
  // quits at once with 130 either way (it once found the handlers removed and died by the signal)
  const run = startCli('train', ['--batch-size', 'full', '--epochs', '3', '--step-variant', 'four-kernels']);
  await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
  await sleep(500);
  run.child.kill('SIGINT');
  await sleep(2000);
  run.child.kill('SIGINT');
  const t0 = performance.now();
  const r = await run.done;
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(r.code).toBe(130);
  expect(r.stderr).toContain('SIGINT: stopping at the next step boundary (again to quit at once)');
});

test.each([0, 5, 10, 15, 20])('a second Ctrl-C %i ms after the stop line, while the command winds down, still exits 130', async (delayMs) => {
  // Node's own teardown closes the signal handlers before the process ends (about 20 ms here, with
  // the device's threads): a signal landing there killed the process by SIGINT, with no exit code
  const run = startCli('train', ['--data', small, '--batch-size', 'full', '--epochs', '100000']);
  await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
  await sleep(200);
  run.child.kill('SIGINT');
  await waitFor('the stop line', () => run.output().stderr.includes('train: stopped by SIGINT'), 60_000, 1);
  await sleep(delayMs);
  run.child.kill('SIGINT');
  const r = await run.done;
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
});

/**
 * Under `npm run`, one signal to the process group reaches the command twice (the group's copy and
 * npm's), and npm's exit status is the command's: the command must outlive the signal, write its
 * outputs and exit 130 or 143 itself (npm's `sh -c` used to die of SIGTERM, and npm with it, at once,
 * leaving the command behind with its outputs unwritten; bench and predict had no handlers at all).
 */
describe('npm run, signals to the process group', () => {
  /** The command's process under npm (package.json's scripts `exec` it: npm's only child). */
  const commandPid = (run: Running) => Number(execFileSync('pgrep', ['-P', String(run.child.pid)], { encoding: 'utf8' }).trim());

  test('train --sweep: exit 143 once the JSON and the table are written, no lock left', async () => {
    const json = path('npm-sweep.json');
    const run = startNpm('train', ['--sweep', '--data', small, '--lrs', '0.05,0.1', '--batch-sizes', '1', '--epochs', '40', '--json', json]);
    await waitFor('the first epoch of the sweep', () => run.output().stdout.includes('epoch 1/40'));
    signalGroup(run, 'SIGTERM');
    await run.exited;
    expect(existsSync(json)).toBe(true);
    expect(existsSync(`${json}.lock`)).toBe(false);
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toMatch(/^train: stopped by SIGTERM: 2 of 2 configurations trained/);
    expect(r.stdout.match(/^\| 1 \| sgd \| 0\.(05|1) \| /gm)).toHaveLength(2);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { stopped: { reason: string } }).stopped.reason).toBe('interrupted');
  });

  test("train: npm's copy handled 1.5 s after the group's (a busy loop) is the same request, not a second", async () => {
    // full-batch steps on MNIST take about a second: the first copy waits for the step's end; the
    // command is frozen (as a busy loop would hold it) while npm's copy arrives, and goes on 1.5 s later
    const json = path('npm-late-copy.json');
    const run = startNpm('train', ['--batch-size', 'full', '--epochs', '3', '--step-variant', 'four-kernels', '--json', json]);
    await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
    const pid = commandPid(run);
    process.kill(pid, 'SIGTERM');
    await waitFor('the stop request', () => run.output().stderr.includes('SIGTERM: stopping at the next step boundary'), 10_000, 1);
    process.kill(pid, 'SIGSTOP');
    process.kill(run.child.pid!, 'SIGTERM');
    await sleep(1500);
    process.kill(pid, 'SIGCONT');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(stopLine(r.stderr)).toMatch(/^train: stopped by SIGTERM (before its first update|after update \d); history so far in --json /);
    expect((JSON.parse(readFileSync(json, 'utf8')) as RunReport).stopped).toMatchObject({ reason: 'interrupted' });
  });

  test('bench: exit 143 with one line, nothing written', async () => {
    const results = mkdtempSync(join(out, 'bench-'));
    const run = startNpm('bench', ['--data', small, '--engines', 'downhill-cpu', '--batch-sizes', '10', '--lrs', '0.1', '--reps', '3', '--out', results]);
    await waitFor('the engine', () => run.output().stdout.includes('bench: downhill-cpu'));
    await sleep(300);
    signalGroup(run, 'SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('bench: '))).toEqual(['bench: stopped by SIGTERM while measuring downhill-cpu (nothing was written)']);
    expect(readdirSync(results)).toEqual([]);
  });

  test('bench stopped while measuring its second engine keeps the first one\'s results, marked partial', async () => {
    const results = mkdtempSync(join(out, 'bench-partial-'));
    const run = startNpm('bench', ['--data', small, '--engines', 'downhill-cpu,downhill-webgpu', '--batch-sizes', '10', '--lrs', '0.1', '--reps', '3', '--budget-ms', '200', '--kernel-rows', 'none', '--out', results]);
    await waitFor('the second engine', () => run.output().stdout.includes('bench: downhill-webgpu'), 120_000);
    await sleep(300);
    signalGroup(run, 'SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    const json = readdirSync(results).filter((f) => f.endsWith('.json'));
    expect(json).toHaveLength(1);
    const stopLines = r.stderr.split('\n').filter((l) => l.startsWith('bench: '));
    expect(stopLines).toHaveLength(1);
    expect(stopLines[0]!.startsWith(`bench: stopped by SIGTERM while measuring downhill-webgpu; wrote what was measured before it (downhill-cpu): ${join(results, json[0]!)}, `), stopLines[0]).toBe(true);
    const written = JSON.parse(readFileSync(join(results, json[0]!), 'utf8')) as BenchResults;
    expect(written.engines.map((e) => e.engine)).toEqual(['downhill-cpu']);
    expect(written.stopped).toBe('stopped by SIGTERM while measuring downhill-webgpu; not measured: downhill-webgpu');
    expect(readFileSync(join(results, json[0]!.replace(/\.json$/, '.md')), 'utf8')).toContain('**A partial run:** stopped by SIGTERM while measuring downhill-webgpu; not measured: downhill-webgpu.');
  }, 180_000);

  test('predict: the whole output, then exit 143', async () => {
    const line = path('line.csv');
    writeFileSync(line, `a,b,y\n${Array.from({ length: 32 }, (_, i) => `${i % 7},${i % 5},${2 * (i % 7) - (i % 5) + 1}`).join('\n')}\n`);
    const weights = path('line.bin');
    expect(runCli('train', ['--task', 'regression', '--csv', line, '--target', 'y', '--batch-size', 'full', '--epochs', '5', '--backend', 'cpu', '--save', weights]).code).toBe(0);
    const rows = 50_000;
    const inputs = path('rows.csv');
    writeFileSync(inputs, `a,b\n${Array.from({ length: rows }, (_, i) => `${i % 101},${(i * 13) % 97}`).join('\n')}\n`);
    const run = startNpm('predict', ['--load', weights, '--csv', inputs]);
    // a reader that stops taking the output holds predict in its writes: the signal lands there
    await waitFor('the first predictions', () => run.output().stdout.length > 0);
    run.child.stdout!.pause();
    signalGroup(run, 'SIGTERM');
    await waitFor('the stop request', () => run.output().stderr.includes('SIGTERM: stopping'), 10_000, 1);
    run.child.stdout!.resume();
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stdout.trim().split('\n')).toHaveLength(rows + 1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('predict: '))).toEqual(['predict: stopped by SIGTERM after its work was complete; every output was written']);
  });
});

/**
 * Copies of one request, whatever the launcher: the signals of the same kind that arrive within
 * a second of the first (stop.ts). GNU timeout signals its command and then its process group,
 * two copies; a user can signal a group twice in quick succession.
 */
describe('copies of one request, without npm', () => {
  /** A training run on the CPU long enough to be stopped, with a checkpoint and a JSON report to be written. */
  const longRun = (name: string) => {
    const json = path(`${name}.json`);
    const ckpt = path(`${name}.ckpt`);
    const args = ['--data', small, '--backend', 'cpu', '--batch-size', '10', '--epochs', '100000', '--json', json, '--checkpoint', ckpt];
    return { json, ckpt, args };
  };

  /** The run stopped by one SIGTERM: exit 143, the JSON (and the checkpoint, if asked for) written. */
  const expectStoppedOnce = async (run: Running, json: string, ckpt?: string) => {
    const r = await run.done;
    expect(r.code, r.stderr).toBe(143);
    expect(stopLine(r.stderr)).toMatch(/^train: stopped by SIGTERM (before its first update|after update \d+); history so far in --json /);
    expect((JSON.parse(readFileSync(json, 'utf8')) as RunReport).stopped).toMatchObject({ reason: 'interrupted' });
    if (ckpt) expect(existsSync(ckpt)).toBe(true);
  };

  test('timeout -s TERM around the node command (the command, then its group): outputs written, exit 143', async () => {
    const { json, ckpt, args } = longRun('timeout');
    const run = startUnderTimeout('SIGTERM', 'train', args);
    await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
    // SIGALRM is timeout's own expiry: it sends SIGTERM to the command, then to the process group
    run.child.kill('SIGALRM');
    await expectStoppedOnce(run, json, ckpt);
  });

  test('a second signal to the process group right after the first was handled is the same request: outputs written, exit 143', async () => {
    // full-batch steps on MNIST take about a second: the copy lands while the step the first waits for runs
    const json = path('group-twice.json');
    const run = startCliInGroup('train', ['--batch-size', 'full', '--epochs', '3', '--step-variant', 'four-kernels', '--json', json]);
    await waitFor('the start of training', () => run.output().stdout.includes('optimizer: '));
    await sleep(500);
    signalGroup(run, 'SIGTERM');
    await waitFor('the stop request', () => run.output().stderr.includes('SIGTERM: stopping'), 10_000, 1);
    await sleep(50);
    signalGroup(run, 'SIGTERM');
    await expectStoppedOnce(run, json);
  });
});
