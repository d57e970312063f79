/**
 * Two runs, one output, through the real command: the second run given the same --checkpoint (or
 * --json, or --save) as a live one is refused with one line, and the first finishes as if alone;
 * a lock left by a killed run (SIGKILL) is stale and taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpoint } from '../../src/io/checkpoint';
import { inodeLockPath } from '../../src/io/outputs';
import { checkpointSteps, freezeAtCheckpoint, runCli, startCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-locks-'));
const data = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
const RUN = ['--data', data, '--backend', 'cpu', '--batch-size', '1', '--epochs', '4'];

describe('one output, two runs', () => {
  test.each(['--checkpoint', '--json', '--save'])('the same %s as a live run is refused; the live run is unharmed', async (flag) => {
    const file = join(out, `shared${flag}`);
    const ckpt = join(out, `first${flag}.ckpt`);
    const first = startCli('train', [...RUN, '--checkpoint', flag === '--checkpoint' ? file : ckpt, '--checkpoint-every', '20', ...(flag === '--checkpoint' ? [] : [flag, file])]);
    const frozen = await freezeAtCheckpoint(first, flag === '--checkpoint' ? file : ckpt, 1);
    const second = runCli('train', [...RUN, flag, file]);
    frozen.resume();
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toBe(`train: ${flag} ${file} is in use by another run (process ${first.child.pid}, lock file ${file}.lock); wait for it, or choose another path`);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    if (flag === '--checkpoint') expect(decodeCheckpoint(readFileSync(file), file).state.steps).toBe(1200);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test('one events file under two names (a hard link): the second run is refused; the live run writes clean lines', async () => {
    // both once wrote the file, each at its own offset: lines interleaved with NUL bytes
    const events = join(out, 'events.jsonl');
    const link = join(out, 'events-link.jsonl');
    writeFileSync(events, '');
    linkSync(events, link);
    const lock = inodeLockPath(events)!;
    const ckpt = join(out, 'linked.ckpt');
    const first = startCli('train', [...RUN, '--checkpoint', ckpt, '--checkpoint-every', '20', '--events', events]);
    const frozen = await freezeAtCheckpoint(first, ckpt, 1);
    const second = runCli('train', [...RUN, '--events', link]);
    frozen.resume();
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toBe(`train: --events ${link} is in use by another run, perhaps through another name (a hard link) (process ${first.child.pid}, lock file ${lock}); wait for it, or choose another path`);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(events, 'utf8');
    expect(text).not.toContain('\0');
    expect(text.trim().split('\n').every((line) => JSON.parse(line) !== null)).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  test('a lock left by a killed run is stale: the next run takes it over', async () => {
    const ckpt = join(out, 'killed.ckpt');
    const first = startCli('train', [...RUN, '--checkpoint', ckpt, '--checkpoint-every', '20']);
    const frozen = await freezeAtCheckpoint(first, ckpt, 1);
    first.child.kill('SIGKILL');
    frozen.resume();
    await first.done;
    // the process id and its start time
    expect(readFileSync(`${ckpt}.lock`, 'utf8').trim()).toMatch(new RegExp(`^${first.child.pid} \\d+$`));
    const resumed = runCli('train', ['--resume', ckpt]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(checkpointSteps(ckpt)).toBe(1200);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
  });

  test('a lock naming a process that is gone is stale too', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const json = join(out, 'stale.json');
    writeFileSync(`${json}.lock`, `${gone}\n`);
    const r = runCli('train', [...RUN.slice(0, -2), '--epochs', '1', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(json)).toBe(true);
    expect(existsSync(`${json}.lock`)).toBe(false);
  });
});
