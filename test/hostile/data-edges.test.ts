/**
 * Data at its edges, through the real command: CSV files as spreadsheets write them (quoted fields,
 * a byte order mark, CRLF), duplicate column names, too few rows for a test set, files larger than
 * the longest JavaScript string, MNIST as distributed (gzip), and inputs that are not regular
 * files (a FIFO, a device), which must never hang a run or grow its memory.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { IDX_FILES } from '../../src/data/load';
import type { RunReport } from '../../src/io/run-report';
import { expectOneLineError, runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-data-'));
const path = (name: string) => join(out, name);
const REGRESSION = ['--task', 'regression', '--backend', 'cpu', '--target', 'y'];

function userError(args: string[], message: RegExp): void {
  expectOneLineError('train', args, message);
}

describe('CSV files', () => {
  test('quoted fields, a UTF-8 BOM and CRLF endings, as spreadsheets write them, train', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `"${i}","${(i % 7) * 1.5}",${2 * i + 3 * ((i % 7) * 1.5) + 1}`);
    writeFileSync(path('excel.csv'), `\ufeff"x, first","x ""second""",y\r\n${rows.join('\r\n')}\r\n`);
    const r = runCli('train', [...REGRESSION, '--csv', path('excel.csv'), '--batch-size', 'full', '--lr', '0.5', '--epochs', '300']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 standardised features');
    expect(Number(/test: R² ([\d.]+)/.exec(r.stdout)![1])).toBeGreaterThan(0.999);
  });

  test('duplicate column names are refused: the target would leak into the features', () => {
    writeFileSync(path('dup.csv'), 'x,y,y\n1,2,2\n2,4,4\n');
    userError([...REGRESSION, '--csv', path('dup.csv')], /^train: .*dup\.csv: the column name 'y' appears twice \(columns 2 and 3\); names must be unique$/);
  });

  test('too few rows for a test set: said plainly, no NaN, no test metrics in the JSON', () => {
    writeFileSync(path('four.csv'), 'x,y\n1,2\n2,4\n3,6\n4,8\n');
    const json = path('four.json');
    const r = runCli('train', [...REGRESSION, '--csv', path('four.csv'), '--batch-size', 'full', '--epochs', '10', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('test: none: 4 rows are too few to hold out 20% as a test set (5 or more are needed), so no test metrics');
    expect(r.stdout).not.toMatch(/NaN/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.final!.test).toBeNull();
    expect(report.config.testExamples).toBe(0);
  });

  test('a CSV over 512 MiB (longer than any JavaScript string) trains', () => {
    // 40,000 rows of about 14 KiB (spaces around the numbers are not part of them)
    const file = path('huge.csv');
    const fd = openSync(file, 'w');
    writeSync(fd, 'x,y\n');
    const pad = ' '.repeat(14 * 1024);
    for (let i = 0; i < 40_000; i++) writeSync(fd, `${pad}${i % 100},${3 * (i % 100) + 1}\n`);
    closeSync(fd);
    expect(readFileSync(file).length).toBeGreaterThan(512 * 2 ** 20);
    const r = runCli('train', [...REGRESSION, '--csv', file, '--batch-size', 'full', '--lr', '0.5', '--epochs', '50']);
    rmSync(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('32,000 training and 8,000 test rows');
    expect(Number(/test: R² ([\d.]+)/.exec(r.stdout)![1])).toBeGreaterThan(0.999);
  });

  test('a CSV over 2 GiB is refused with one line, at once', () => {
    const file = path('sparse.csv');
    execFileSync('truncate', ['-s', '3G', file]);
    userError([...REGRESSION, '--csv', file], /^train: cannot read --csv .*sparse\.csv: it is 3\.00 GiB; at most 2\.00 GiB can be read$/);
    rmSync(file);
  });

  test('a file of NUL bytes is refused as not numbers, not with a stack', () => {
    execFileSync('truncate', ['-s', '1M', path('zeros.csv')]);
    userError([...REGRESSION, '--csv', path('zeros.csv')], /^train: .*zeros\.csv: /);
  });
});

describe('inputs that are not regular files never hang', () => {
  test.each([
    { name: 'a FIFO as --csv', make: () => { execFileSync('mkfifo', [path('in.fifo')]); return [...REGRESSION, '--csv', path('in.fifo')]; }, error: /cannot read --csv .*in\.fifo: it is a FIFO, not a regular file$/ },
    { name: '/dev/zero as --csv', make: () => [...REGRESSION, '--csv', '/dev/zero'], error: /cannot read --csv \/dev\/zero: it is a character device, not a regular file$/ },
    { name: '/dev/zero as --resume', make: () => ['--resume', '/dev/zero'], error: /cannot read --resume \/dev\/zero: it is a character device, not a regular file$/ },
    { name: 'a FIFO in --data', make: () => { const d = writeIdxFolder(head(mnist().train, 20), head(mnist().test, 5)); rmSync(join(d, IDX_FILES.test.labels)); execFileSync('mkfifo', [join(d, IDX_FILES.test.labels)]); return ['--data', d]; }, error: /cannot read .*t10k-labels-idx1-ubyte: it is a FIFO, not a regular file$/ },
  ])('$name', ({ make, error }) => userError(make(), error));

  test('evaluate --load a FIFO', () => {
    execFileSync('mkfifo', [path('w.fifo')]);
    const r = runCli('evaluate', ['--load', path('w.fifo')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^evaluate: cannot read --load .*w\.fifo: it is a FIFO, not a regular file$/);
  });
});

describe('MNIST as distributed: gzip-compressed IDX files', () => {
  const plain = writeIdxFolder(head(mnist().train, 200), head(mnist().test, 50));
  const gz = mkdtempSync(join(tmpdir(), 'downhill-gz-'));
  for (const f of Object.values(IDX_FILES).flatMap((s) => [s.images, s.labels])) writeFileSync(join(gz, `${f}.gz`), gzipSync(readFileSync(join(plain, f))));

  test('a folder of .gz files trains to the same weights as the plain files', () => {
    const args = ['--epochs', '1', '--batch-size', '20', '--backend', 'cpu'];
    const a = runCli('train', ['--data', plain, ...args, '--save', path('plain.bin')]);
    const b = runCli('train', ['--data', gz, ...args, '--save', path('gz.bin')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(path('gz.bin')).equals(readFileSync(path('plain.bin')))).toBe(true);
  });

  test('gzip bytes under the plain names are read too', () => {
    const renamed = mkdtempSync(join(tmpdir(), 'downhill-gzplain-'));
    for (const f of Object.values(IDX_FILES).flatMap((s) => [s.images, s.labels])) writeFileSync(join(renamed, f), readFileSync(join(gz, `${f}.gz`)));
    const r = runCli('train', ['--data', renamed, '--epochs', '1', '--batch-size', '20', '--backend', 'cpu', '--save', path('renamed.bin')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path('renamed.bin')).equals(readFileSync(path('plain.bin')))).toBe(true);
  });

  test('a corrupt .gz file: one line naming it', () => {
    const bad = mkdtempSync(join(tmpdir(), 'downhill-gzbad-'));
    for (const f of Object.values(IDX_FILES).flatMap((s) => [s.images, s.labels])) writeFileSync(join(bad, `${f}.gz`), readFileSync(join(gz, `${f}.gz`)));
    const broken = readFileSync(join(gz, `${IDX_FILES.train.images}.gz`));
    writeFileSync(join(bad, `${IDX_FILES.train.images}.gz`), broken.subarray(0, broken.length >> 1));
    userError(['--data', bad, '--backend', 'cpu'], /^train: .*train-images-idx3-ubyte\.gz: corrupt gzip data/);
  });
});

describe('found by a hostile user', () => {
  test('hexadecimal, binary and octal literals in a CSV are not numbers', () => {
    writeFileSync(path('hex.csv'), 'a,y\n1,3\n0x10,6\n7,9\n1,1\n2,2\n');
    userError([...REGRESSION, '--csv', path('hex.csv')], /^train: .*hex\.csv:3: column 'a' holds '0x10', not a finite number$/);
  });

  test('R² on a one-row test set is undefined, not 0; regression JSON has no confusion matrix', () => {
    writeFileSync(path('five.csv'), 'a,b,y\n1,2,3\n2,3,5\n3,1,4\n4,4,8\n5,0,5\n');
    const json = path('five.json');
    const r = runCli('train', [...REGRESSION, '--csv', path('five.csv'), '--batch-size', 'full', '--epochs', '50', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test: R² n\/a \(the test targets do not vary\), loss .* \(1 row\)/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.final!.test).toMatchObject({ accuracy: null, confusion: null });
  });
});
