/**
 * The benchmark's regression guard (--compare PREVIOUS.json) on the committed results of a real
 * run: a doctored copy in which one engine at one batch size was slowed is flagged, by the ratio
 * and beyond both runs' spread, and nothing else is; the unchanged run passes. Through the
 * command too: npm run bench:report -- RESULTS.json --compare PREVIOUS.json exits 1 on the
 * slowdown, 0 on the unchanged run, 2 with one line on a file that is not results; npm run bench
 * refuses a missing one before it measures anything.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BenchResults } from '../../src/measure/results';
import { compareThroughput, describeChanges } from '../../src/report/compare';
import { nodeArgs, withoutLoaderNotice } from '../helpers/cli';

const COMMITTED = 'bench/results/google-swiftshader-2026-12-01.json';
const committed = () => JSON.parse(readFileSync(COMMITTED, 'utf8')) as BenchResults;

/** The committed run with `engine` at `batchSize` `factor` times as fast in every repetition. */
function slowed(engine: string, batchSize: number, factor: number): BenchResults {
  const r = committed();
  const s = r.engines.find((e) => e.engine === engine)!.runs.find((run) => run.batchSize === batchSize)!.throughput!.samplesPerSecond;
  for (const key of ['median', 'min', 'max', 'q1', 'q3'] as const) s[key] *= factor;
  return r;
}

describe('compareThroughput', () => {
  test('an unchanged run: every engine and batch size at 1.00x, none flagged', () => {
    const changes = compareThroughput(committed(), committed());
    expect(changes.length).toBe(committed().engines.reduce((n, e) => n + e.runs.filter((r) => r.throughput).length, 0));
    expect(changes.every((c) => c.ratio === 1 && c.flag === null)).toBe(true);
  });

  test('a slowed engine at one batch size is flagged slower, with its ratio; the rest are not', () => {
    const changes = compareThroughput(slowed('downhill-webgpu', 10, 0.5), committed());
    const flagged = changes.filter((c) => c.flag !== null);
    expect(flagged.map((c) => [c.engine, c.batchSize, c.flag, c.ratio])).toEqual([['downhill-webgpu', 10, 'slower', 0.5]]);
    expect(describeChanges(flagged)).toEqual(["downhill-webgpu batch 10: 0.50x (12,484 [11,650-13,366] against 24,968 [23,299-26,733] samples/s), slower beyond both runs' spread"]);
  });

  test('a change inside the spread is not flagged, either way; one beyond it faster is', () => {
    // batch 10's min-max is 23,299-26,733: 5% slower still overlaps it
    expect(compareThroughput(slowed('downhill-webgpu', 10, 0.95), committed()).filter((c) => c.flag)).toEqual([]);
    expect(compareThroughput(slowed('downhill-webgpu', 10, 1.05), committed()).filter((c) => c.flag)).toEqual([]);
    expect(compareThroughput(slowed('downhill-cpu', 100, 2), committed()).filter((c) => c.flag).map((c) => [c.engine, c.flag])).toEqual([['downhill-cpu', 'faster']]);
  });
});

describe('npm run bench:report -- RESULTS.json --compare PREVIOUS.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-compare-'));
  const previous = join(dir, 'previous.json');
  copyFileSync(COMMITTED, previous);
  const report = (current: BenchResults | string, against = previous) => {
    const path = join(dir, 'current.json');
    writeFileSync(path, typeof current === 'string' ? current : JSON.stringify(current));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report-main.ts', path, '--compare', against], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: withoutLoaderNotice(r.stderr) };
  };

  test('a deliberately slowed variant fails the guard; the unchanged run passes', () => {
    const bad = report(slowed('downhill-webgpu', 10, 0.5));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`bench:report: slower than ${previous} beyond both runs' spread: downhill-webgpu batch 10 (0.50x)`);
    const same = report(committed());
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('downhill-webgpu batch 10: 1.00x');
    expect(same.stdout).not.toContain('slower than');
  });

  test('a previous file that is not results: one line, exit 2', () => {
    const notResults = join(dir, 'not-results.json');
    writeFileSync(notResults, '{"schema": "downhill-run/1"}');
    const r = report(committed(), notResults);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`bench:report: --compare ${notResults}: not a downhill-bench/1 results file`);
  });

  test('a previous file that is not JSON (a CSV): one line naming it, not the parser\'s quote of it', () => {
    const csv = join(dir, 'ok.csv');
    writeFileSync(csv, 'a,b,y\n1,2,3\n');
    const r = report(committed(), csv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`bench:report: --compare ${csv}: not a JSON file (Unexpected token 'a')`);
  });

  test.each([
    ['a results file that is not there', ['/nonexistent.json'], 'bench:report: cannot read /nonexistent.json: no such file'],
    ['a previous file that is not there', [COMMITTED, '--compare', '/nonexistent.json'], 'bench:report: cannot read --compare /nonexistent.json: no such file'],
    ['a path that is no results file', ['/nonexistent'], 'bench:report: /nonexistent: not a results file (NAME.json); usage: npm run bench:report -- bench/results/NAME.json [--compare bench/results/PREVIOUS.json]'],
  ])('%s: one line saying why, exit 2', (_what, args, message) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report-main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
    expect({ code: r.status, stderr: withoutLoaderNotice(r.stderr).trim() }).toEqual({ code: 2, stderr: message });
  });

  test('npm run bench -- --compare reads the previous file before it measures: a missing one is one line, exit 2', () => {
    const missing = join(dir, 'missing.json');
    const r = spawnSync(process.execPath, nodeArgs('bench', ['--engines', 'downhill-cpu', '--out', dir, '--compare', missing]), { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(withoutLoaderNotice(r.stderr).trim()).toBe(`bench: cannot read --compare ${missing}: no such file`);
    expect(r.stdout).toBe('');
  });
});
