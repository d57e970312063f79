/**
 * checkOutputFolder, the benchmarks' shared --out check: folders made one level at a time (Node 20's
 * mkdirSync({recursive}) never returns under /proc), and one line where they cannot be made.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import { checkOutputFolder } from '../../src/io/outputs';

test('missing folders are created, parents first', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'downhill-out-')), 'a', 'b', 'c');
  checkOutputFolder('--out', out);
  expect(statSync(out).isDirectory()).toBe(true);
});

test.each<[string, () => string, RegExp]>([
  ['under /proc', () => '/proc/x/y', /^cannot write --out \/proc\/x\/y: folders cannot be created in \/proc$/],
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
