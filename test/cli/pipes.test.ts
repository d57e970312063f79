/**
 * A command's standard output into a pipe, as a shell user writes it: every line reaches a slow
 * reader before the command exits (it once exited with most of predict's CSV still queued: 624 of
 * 10000 lines behind `(sleep 2; wc -l)`), and a reader that goes away (`| head`) ends the command
 * quietly with SIGPIPE's status (141), never a stack trace: at once where the output is the
 * product (predict), after the work and its files where it is a log (train).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { nodeArgs, runCli, withoutLoaderNotice } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-pipes-'));
const rows = 50_000;
const training = join(out, 'line.csv');
writeFileSync(training, `a,b,y\n${Array.from({ length: 64 }, (_, i) => `${i % 7},${(i * 5) % 11},${2 * (i % 7) - 3 * ((i * 5) % 11) + 1}`).join('\n')}\n`);
const inputs = join(out, 'rows.csv');
writeFileSync(inputs, `a,b\n${Array.from({ length: rows }, (_, i) => `${i % 101},${(i * 13) % 97}`).join('\n')}\n`);
const weights = join(out, 'line.bin');

/** `command args` piped into `reader`, under bash: what came out, and each side's status. */
function commandInto(command: 'predict' | 'train', args: string[], reader: string): { stdout: string; stderr: string; statuses: number[] } {
  const line = [process.execPath, ...nodeArgs(command, args)].map((a) => JSON.stringify(a)).join(' ');
  const r = spawnSync('bash', ['-c', `${line} | ${reader}; echo "statuses \${PIPESTATUS[*]}" >&2`], { encoding: 'utf8', timeout: 120_000 });
  const statuses = /statuses ([\d ]+)/.exec(r.stderr)![1]!.trim().split(' ').map(Number);
  return { stdout: r.stdout, stderr: withoutLoaderNotice(r.stderr.replace(/statuses [\d ]+\n/, '')).trim(), statuses };
}

/** `predict --csv` of `rows` rows piped into `reader`. */
const predictInto = (reader: string) => commandInto('predict', ['--load', weights, '--csv', inputs], reader);

test('predict into a slow reader: every line arrives, exit 0', () => {
  const trained = runCli('train', ['--task', 'regression', '--csv', training, '--target', 'y', '--batch-size', 'full', '--lr', '0.5', '--epochs', '50', '--backend', 'cpu', '--save', weights]);
  expect(trained.code, trained.stderr).toBe(0);
  const r = predictInto('(sleep 2; wc -l)');
  expect(r.stderr).toBe('');
  expect(r.statuses).toEqual([0, 0]);
  expect(Number(r.stdout.trim())).toBe(rows + 1);
});

test('predict into head: the first lines, then a quiet end with status 141', () => {
  const r = predictInto('head -2');
  expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
  expect(r.stdout).toMatch(/^a,b,y \(predicted\)\n/);
  expect(r.stderr).toBe('');
  expect(r.statuses).toEqual([141, 0]);
});

test('train into head: the reader goes away, train still writes --save, --json, --checkpoint and --events, then a quiet 141', () => {
  const files = { '--save': join(out, 'h.bin'), '--json': join(out, 'h.json'), '--checkpoint': join(out, 'h.ckpt'), '--events': join(out, 'h.jsonl') };
  const data = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
  const r = commandInto('train', ['--data', data, '--epochs', '1', '--backend', 'cpu', ...Object.entries(files).flat()], 'head -1');
  expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).toBe('');
  expect(r.statuses).toEqual([141, 0]);
  for (const file of Object.values(files)) expect(existsSync(file), file).toBe(true);
});

test('train --json - into head: the JSON is the product; cut by the reader going away, train still writes --save, then a quiet 141', () => {
  // a history of 4,000 recordings (about 900 kB): more than the pipe holds, so the reader leaves mid-write
  const save = join(out, 'cut.bin');
  const r = commandInto('train', ['--task', 'regression', '--synthetic', '5000,1', '--batch-size', '1', '--record-every', '1', '--epochs', '1', '--backend', 'cpu', '--json', '-', '--save', save, '--quiet'], 'head -c 10');
  expect(r.stdout).toBe('{\n  "schem');
  expect(r.stderr).not.toMatch(/cannot write|EPIPE/);
  expect(r.statuses).toEqual([141, 0]);
  expect(existsSync(save)).toBe(true);
});
