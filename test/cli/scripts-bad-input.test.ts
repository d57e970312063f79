/**
 * The smaller scripts refuse bad input in one line, as the commands do: a shader folder that is not
 * there (wgsl:repetition), and a results file of the right schema whose fields have the wrong shape
 * (bench:report): each exits 2 with one line and no stack trace, and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

test.each([
  ['an empty path', () => '', () => "wgsl:repetition: the shader folder '' is empty: name a folder"],
  ['a regular file', (dir: string) => write(dir, 'a.wgsl', 'fn f() {}\n'), (dir: string) => `wgsl:repetition: ${dir}/a.wgsl: not a folder (it is a regular file)`],
  ['a folder without .wgsl files', (dir: string) => dir, (dir: string) => `wgsl:repetition: ${dir}: no .wgsl files in this folder`],
])('wgsl:repetition given %s: one line, exit 2', (_what, path, message) => {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-no-shaders-'));
  const r = script('scripts/wgsl-repetition.ts', [path(dir)]);
  expect(r).toEqual({ code: 2, stderr: message(dir) });
});

test('bench:report --help prints its usage, exit 0', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report-main.ts', '--help'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: npm run bench:report -- /);
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

test.each([
  ['a folder', (dir: string) => dir, (dir: string) => `cannot read --readme ${dir}: it is a folder, not a regular file`],
  ['a file with no rendered section', (dir: string) => write(dir, 'notes.md', 'a,b\n1,2\n'), (dir: string) => `--readme ${dir}/notes.md: no rendered sections found (a section begins with a line '<!-- rendered by npm run bench:readme from FILE.json, section "HEADING" -->')`],
  ['a section without its end marker', (dir: string) => write(dir, 'open.md', '<!-- rendered by npm run bench:readme from x.json, section "S" -->\n'), () => "README line 1: a rendered section without '<!-- end of rendered section -->'"],
])('bench:readme --readme given %s: one line, exit 2', (_what, path, message) => {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-readme-'));
  const r = script('bench/readme.ts', ['--readme', path(dir)]);
  expect(r).toEqual({ code: 2, stderr: `bench:readme: ${message(dir)}` });
});

test('bench:readme given a section naming results of a schema it has no report for: one line naming the file and schema, exit 2, the file untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-readme-'));
  const results = write(dir, 'other.json', JSON.stringify({ schema: 'downhill-other/1', rows: [] }));
  const text = `<!-- rendered by npm run bench:readme from ${results}, section "S" -->\n| typed |\n<!-- end of rendered section -->\n`;
  const readme = write(dir, 'README.md', text);
  const r = script('bench/readme.ts', ['--readme', readme]);
  expect(r).toEqual({ code: 2, stderr: `bench:readme: ${results}: unknown results schema "downhill-other/1" (one of downhill-bench/1, downhill-methods/1, downhill-optimizers/1, downhill-sweep-bench/1, downhill-default-rates/1)` });
  expect(readFileSync(readme, 'utf8')).toBe(text);
});

function write(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

test.each([
  ['in a folder that is not there', () => '/nonexistent/dir/x.json', (out: string) => `cannot write --out ${out}: the folder /nonexistent/dir does not exist`],
  ['a folder', () => mkdtempSync(join(tmpdir(), 'downhill-variants-')), (out: string) => `cannot write --out ${out}: it is a folder; only a regular file (or a character device such as /dev/null) can be written`],
])('bench:variants --out %s is refused before anything is measured', (_what, makeOut, message) => {
  const out = makeOut();
  const r = script('scripts/step-variants.ts', ['--out', out]);
  expect(r).toEqual({ code: 2, stderr: `bench:variants: ${message(out)}` });
});
