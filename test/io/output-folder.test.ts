/**
 * checkOutputFolder, the benchmarks' shared --out check (before any work, nothing created: a run
 * that writes nothing leaves no empty folder), and createFolders, which makes them when something
 * is written, one level at a time (Node 20's mkdirSync({recursive}) never returns under /proc).
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import { checkOutputFolder, createFolders } from '../../src/io/outputs';

test('missing folders are checked, not created; createFolders makes them, parents first', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'downhill-out-')), 'a', 'b', 'c');
  checkOutputFolder('--out', out);
  expect(existsSync(out)).toBe(false);
  createFolders('--out', out);
  expect(statSync(out).isDirectory()).toBe(true);
});

test('createFolders under /proc is refused with one line, at once', () => {
  expect(() => createFolders('--out', '/proc/x/y')).toThrow(/^cannot write --out \/proc\/x\/y: folders cannot be created in \/proc$/);
});

test.each<[string, () => string, RegExp]>([
  ['under /proc', () => '/proc/x/y', /^cannot write --out \/proc\/x\/y: files cannot be created in \/proc$/],
  ['under a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'downhill-out-'));
    writeFileSync(join(dir, 'f'), '');
    return join(dir, 'f', 'x');
  }, /: it, or a folder above it, is not a folder$/],
])('a folder %s is refused with one line', (_what, makeDir, message) => {
  const dir = makeDir();
  expect(() => checkOutputFolder('--out', dir)).toThrow(UserError);
  expect(() => checkOutputFolder('--out', dir)).toThrow(message);
});
