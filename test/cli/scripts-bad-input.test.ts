/**
 * The smaller scripts refuse bad input in one line, as the commands do: a shader folder that is not
 * there (wgsl:repetition), and a results file of the right schema whose fields have the wrong shape
 * (bench:report): each exits 2 with one line and no stack trace, and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { withoutLoaderNotice } from '../helpers/cli';

function script(path: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: withoutLoaderNotice(r.stderr).trim() };
}

test('wgsl:repetition given a folder that is not there', () => {
  const r = script('scripts/wgsl-repetition.ts', ['/nonexistent-shaders']);
  expect(r).toEqual({ code: 2, stderr: 'wgsl:repetition: /nonexistent-shaders: no such folder' });
});

test('bench:report given a results file whose fields have the wrong shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-bad-results-'));
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify({ schema: 'downhill-bench/1', engines: [] }));
  const r = script('bench/report-main.ts', [file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^bench:report: ${file} is not a well-formed downhill-bench/1 results file: [^\\n]+$`));
  expect(existsSync(join(dir, 'r.md'))).toBe(false);
});
