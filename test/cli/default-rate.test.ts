/**
 * The default learning rate as the train command reports it, and the warning of a loss that rose
 * over an epoch: on 500 inverted MNIST images (255 − x, a large second moment), where lr 1 is far
 * past the stability edge but the loss stays finite.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Dataset } from '../../src/data/dataset';
import type { RunReport } from '../../src/io/run-report';
import { runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';
import { Rng } from '../../src/rng';

const inverted = (d: Dataset): Dataset => ({ ...d, images: d.images.map((b) => 255 - b) });
const data = writeIdxFolder(inverted(head(mnist().train, 500)), inverted(head(mnist().test, 100)));
const out = mkdtempSync(join(tmpdir(), 'downhill-rates-'));
const common = ['--data', data, '--batch-size', '50', '--epochs', '4', '--backend', 'cpu'];

test('the default rate says why, after the training line, and the JSON records it', () => {
  const json = join(out, 'default.json');
  const r = runCli('train', [...common, '--json', json]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split('\n');
  const training = lines.findIndex((l) => l.startsWith('training: '));
  expect(lines[training + 1]).toMatch(/^lr (0\.0\d+) = 1\/L for batch 50: L = \(tr \+ \(B−1\)·λmax\)\/\(B·10\) = [\d.]+ from the training inputs' second moment \(tr [\d.]+, λmax [\d.]+, 500 rows\); --lr overrides$/);
  const lr = Number(/^lr ([\d.]+)/.exec(lines[training + 1]!)![1]);
  expect(lines[training]).toContain(`lr ${lr}, 4 epochs`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
  expect(report.config.lr).toBe(lr);
  expect(report.config.lrReason).toBe(lines[training + 1]);
  expect(report.warnings).toEqual([]);
  expect(r.stdout).not.toContain('warning');
});

test('a loss that rises over an epoch is a warning with the safe rate; an --lr given has no reason', () => {
  const json = join(out, 'rising.json');
  const r = runCli('train', [...common, '--lr', '1', '--json', json]);
  expect(r.code, r.stderr).toBe(0);
  const warning = r.stdout.split('\n').find((l) => l.startsWith('warning: '));
  expect(warning).toMatch(/^warning: the training loss rose over epochs? [\d, and]+ \(.*→.*\): lr 1 is too large for this data; 1\/L = (0\.0\d+) would be safe \(--lr 0\.0\d+\)$/);
  expect(r.stdout.indexOf(warning!)).toBeGreaterThan(r.stdout.indexOf('test: accuracy'));
  const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
  expect(report.warnings).toEqual([warning]);
  expect(report.config.lrReason).toBeNull();
  expect(r.stdout).not.toMatch(/--lr overrides/);
});

test('a regression at its noise floor, from zeros or from its own fitted weights, is not warned about', () => {
  // y = 2a − 3b + 1 + noise 0.01 on 200 rows: at the default rate the loss reaches ~4e-5 and wiggles
  // there by more than 5% from epoch to epoch (it once warned that the rate was too large)
  const rng = new Rng(1);
  const rows = Array.from({ length: 200 }, () => {
    const [a, b] = [rng.next(), rng.next()];
    return `${a},${b},${2 * a - 3 * b + 1 + 0.01 * (rng.next() + rng.next() + rng.next() - 1.5)}`;
  });
  const csv = join(out, 'floor.csv');
  writeFileSync(csv, `a,b,y\n${rows.join('\n')}\n`);
  const args = ['--task', 'regression', '--csv', csv, '--target', 'y', '--epochs', '20', '--backend', 'cpu'];
  const fitted = join(out, 'floor.bin');
  const first = runCli('train', [...args, '--save', fitted]);
  expect(first.code, first.stderr).toBe(0);
  const again = runCli('train', [...args, '--init', fitted]);
  expect(again.code, again.stderr).toBe(0);
  for (const r of [first, again]) expect(`${r.stdout}${r.stderr}`).not.toContain('warning:');
  expect(Number(/test: R² ([\d.]+)/.exec(again.stdout)![1])).toBeGreaterThan(0.999);
});
