/**
 * --events PATH through the real command: one JSON line per recording, each written when it is
 * made (read while the run goes on), the same recordings as the --json history, and the lines so
 * far when the run is stopped; continued as the stopped run says, one log from step 0.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { type RunReport, roundTimes } from '../../src/io/run-report';
import { freezeAtCheckpoint, runCli, startCli, waitFor } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));
const out = mkdtempSync(join(tmpdir(), 'downhill-events-'));
const path = (name: string) => join(out, name);
/** the complete lines (a line being written while the run goes on is left for the next read) */
const lines = (file: string) => {
  const text = readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, number | null>);
};

/** The --json history as the event lines of a classifier run should hold it. */
const asEventLines = (history: RunReport['history']) =>
  history.map((h) => ({ step: h.step, epoch: h.epoch, examples: h.samples, trainSeconds: roundTimes('trainSeconds', h.trainMs / 1000), loss: h.loss, batchLoss: h.batchLoss ?? null, accuracy: h.accuracy }));

test.each(['cpu', 'webgpu'])('%s: one line per recording, the --json history\'s, with the same fields on every line', (backend) => {
  const r = runCli('train', ['--data', data, '--backend', backend, '--batch-size', '30', '--epochs', '2', '--events', path(`${backend}.jsonl`), '--json', path(`${backend}.json`)]);
  expect(r.code).toBe(0);
  const events = lines(path(`${backend}.jsonl`));
  const history = (JSON.parse(readFileSync(path(`${backend}.json`), 'utf8')) as RunReport).history;
  expect(r.stdout).toContain(`wrote --events ${path(`${backend}.jsonl`)} (${history.length} recordings)`);
  expect(events).toEqual(asEventLines(history));
  expect(events[0]!.batchLoss).toBeNull();
  expect(events.at(-1)!.examples).toBe(600);
});

test('regression lines carry r2', () => {
  const r = runCli('train', ['--task', 'regression', '--synthetic', '200,2', '--backend', 'cpu', '--epochs', '1', '--events', path('r.jsonl')]);
  expect(r.code).toBe(0);
  expect(Object.keys(lines(path('r.jsonl'))[0]!)).toEqual(['step', 'epoch', 'examples', 'trainSeconds', 'loss', 'batchLoss', 'r2']);
});

test('written as the run goes: readable before it ends, and complete lines so far when it is stopped', async () => {
  const file = path('live.jsonl');
  const run = startCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '1', '--epochs', '200', '--record-every', '300', '--events', file]);
  await waitFor('three recordings', () => existsSync(file) && lines(file).length >= 3);
  expect(run.child.exitCode).toBeNull();
  run.child.kill('SIGTERM');
  const r = await run.done;
  expect(r.code).toBe(143);
  const events = lines(file);
  expect(events.length).toBeGreaterThanOrEqual(3);
  expect(events.map((e) => e.step)).toEqual(events.map((_, i) => 300 * i));
  expect(r.stderr).toContain(`; ${events.length} recordings in --events ${file}`);
});

test('a stopped run continued as it says: one log from step 0, each recording once, the --json history', async () => {
  const [ckpt, file, json] = [path('c.ckpt'), path('c.jsonl'), path('c.json')];
  const run = startCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '1', '--epochs', '20', '--record-every', '300', '--checkpoint', ckpt, '--checkpoint-every', '600', '--events', file, '--json', json]);
  const frozen = await freezeAtCheckpoint(run, ckpt, 600);
  run.child.kill('SIGTERM');
  frozen.resume();
  const stopped = await run.done;
  expect(stopped.code).toBe(143);
  const command = / continue with: npm run train -- (.+)$/m.exec(stopped.stderr);
  expect(command, stopped.stderr).not.toBeNull();
  expect(command![1]).toContain(`--events ${file}`);
  const resumed = runCli('train', command![1]!.split(' '));
  expect(resumed.code, resumed.stderr).toBe(0);
  const history = (JSON.parse(readFileSync(json, 'utf8')) as RunReport).history;
  expect(history.map((h) => h.step)).toEqual(Array.from({ length: 21 }, (_, i) => 300 * i));
  expect(lines(file)).toEqual(asEventLines(history));
});

test('a bad --events path is refused before any work, and --events does not apply to --sweep', () => {
  const r = runCli('train', ['--data', data, '--backend', 'cpu', '--events', path('missing/e.jsonl')]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^train: cannot write --events .*missing\/e\.jsonl: /);
  const same = runCli('train', ['--data', data, '--backend', 'cpu', '--events', path('x.json'), '--json', path('x.json')]);
  expect(same.code).toBe(2);
  expect(existsSync(path('x.json'))).toBe(false);
  const sweep = runCli('train', ['--sweep', '--data', data, '--events', path('s.jsonl')]);
  expect(sweep.stderr.trim()).toBe('train: --events does not apply to --sweep: its curves are in --json');
});

/** Every number under a key ending in `suffix`, at any depth. */
function timesIn(value: unknown, suffix: string): number[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (typeof v === 'number' && k.endsWith(suffix) ? [v] : timesIn(v, suffix)));
}

test('times are written to the microsecond, without float noise (trainMs 0.8670640000000276); losses exactly', () => {
  const r = runCli('train', ['--task', 'regression', '--synthetic', '200,2', '--backend', 'cpu', '--epochs', '1', '--events', path('t.jsonl'), '--json', path('t.json')]);
  expect(r.code, r.stderr).toBe(0);
  const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;
  const report = JSON.parse(readFileSync(path('t.json'), 'utf8')) as RunReport;
  const ms = timesIn(report, 'Ms');
  expect(ms.length).toBeGreaterThan(5);
  for (const t of ms) expect(decimals(t), String(t)).toBeLessThanOrEqual(3);
  for (const line of lines(path('t.jsonl'))) expect(decimals(line.trainSeconds!), String(line.trainSeconds)).toBeLessThanOrEqual(6);
  expect(report.history.some((h) => decimals(h.loss) > 6)).toBe(true);
});
