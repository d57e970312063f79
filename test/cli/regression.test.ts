/** --task regression through the real command: a CSV file, synthetic data, and its bad input. */
import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { runCli } from '../helpers/cli';

const out = mkdtempSync(join(tmpdir(), 'downhill-regression-'));
const csv = join(out, 'houses.csv');
// price = 2·size + 10·rooms - age + 20, exactly
writeFileSync(csv, `size,rooms,age,price\n${Array.from({ length: 40 }, (_, i) => {
  const [size, rooms, age] = [40 + ((i * 37) % 90), 1 + (i % 5), (i * 7) % 30];
  return `${size},${rooms},${age},${2 * size + 10 * rooms - age + 20}`;
}).join('\n')}\n`);

describe('train --task regression', () => {
  test('a constant target: R² undefined on both sets, whatever the scaling (WebGPU, float32 targets of 7)', () => {
    const flat = join(out, 'consty.csv');
    writeFileSync(flat, `x,y\n${Array.from({ length: 50 }, (_, i) => `${i * 0.37},7`).join('\n')}\n`);
    const r = runCli('train', ['--task', 'regression', '--csv', flat, '--target', 'y', '--standardize', 'off', '--epochs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^train: .*R² n\/a \(the targets do not vary\)/m);
    expect(r.stdout).toMatch(/^test: R² n\/a \(the test targets do not vary\)/m);
  });

  test('one training row: R² is n/a in every progress line and the result, never NaN or undefined', () => {
    const r = runCli('train', ['--task', 'regression', '--synthetic', '10,2', '--test-fraction', '0.99', '--epochs', '1', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^epoch 0\/1 .* R² n\/a /m);
    expect(r.stdout).toMatch(/^train: .*R² n\/a \(the targets do not vary\) \(1 row, after the last update\)$/m);
    expect(r.stdout).not.toMatch(/NaN|undefined/);
  });

  test.each(['webgpu', 'cpu'])('a CSV file on %s: an exact linear target is fitted (R² > 0.999)', (backend) => {
    const json = join(out, `${backend}.json`);
    const r = runCli('train', ['--task', 'regression', '--csv', csv, '--target', 'price', '--batch-size', 'full', '--lr', '0.5', '--epochs', '300', '--backend', backend, '--json', json]);
    expect(r.stderr.trim()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/data: 32 training and 8 test rows \(3 standardised features, target 'price'\)/);
    const test = /test: R² ([\d.]+)/.exec(r.stdout);
    expect(Number(test![1])).toBeGreaterThan(0.999);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.config.task).toBe('regression');
    expect(report.history.at(-1)!.accuracy).toBeGreaterThan(0.999);
  });

  test('synthetic data, mini-batch with Adam', () => {
    const r = runCli('train', ['--task', 'regression', '--synthetic', '2000,20', '--noise', '0.1', '--batch-size', '32', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '3']);
    expect(r.code).toBe(0);
    expect(Number(/test: R² ([\d.]+)/.exec(r.stdout)![1])).toBeGreaterThan(0.99);
  });

  test('its checkpoint records the CSV: --resume alone reloads it; moved, it says how to point at it; another --task is refused', () => {
    const data = join(out, 'resumed.csv');
    copyFileSync(csv, data);
    const ckpt = join(out, 'resumed.ckpt');
    const first = runCli('train', ['--task', 'regression', '--csv', data, '--target', 'price', '--batch-size', '8', '--lr', '0.1', '--epochs', '2', '--checkpoint', ckpt]);
    expect(first.code, first.stderr).toBe(0);
    const again = runCli('train', ['--resume', ckpt, '--epochs', '3']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`rows (3 standardised features, target 'price') from ${data}`);
    const moved = join(out, 'moved.csv');
    renameSync(data, moved);
    const lost = runCli('train', ['--resume', ckpt, '--epochs', '4']);
    expect(lost.code).toBe(2);
    expect(lost.stderr.trim()).toBe(`train: --resume ${ckpt}: its data cannot be loaded again (cannot read --csv ${data}: no such file); give it with --csv FILE, its new place (the target stays price)`);
    const pointed = runCli('train', ['--resume', ckpt, '--epochs', '4', '--csv', moved, '--target', 'price']);
    expect(pointed.code, pointed.stderr).toBe(0);
    const other = runCli('train', ['--resume', ckpt, '--task', 'classification']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toBe(`train: --resume ${ckpt} was written by a different run: its --task is regression, this run's is classification`);
  });

  test.each([
    { args: ['--task', 'regression'], error: /--task regression needs exactly one of --csv FILE \(with --target NAME\) or --synthetic ROWS,FEATURES/ },
    { args: ['--task', 'regression', '--csv', csv], error: /--csv needs --target NAME/ },
    { args: ['--task', 'regression', '--csv', join(out, 'none.csv'), '--target', 'y'], error: /cannot read --csv .*none\.csv: no such file/ },
    { args: ['--task', 'regression', '--csv', csv, '--target', 'cost'], error: /no column named 'cost' for the target \(columns: 'size', 'rooms', 'age', 'price'\)/ },
    { args: ['--task', 'regression', '--synthetic', '100'], error: /--synthetic must be ROWS,FEATURES/ },
    { args: ['--task', 'regression', '--synthetic', '0,2'], error: /^train: --synthetic ROWS must be a whole number of at least 2, got 0$/ },
    { args: ['--task', 'regression', '--synthetic', '10,0'], error: /^train: --synthetic FEATURES must be a whole number of at least 1, with rows × features at most 1e8, got 0$/ },
    // refused before the rows are generated (about 90 s), not by the device after
    { args: ['--task', 'regression', '--synthetic', '100000000,1', '--batch-size', 'full'], error: /^train: --synthetic 100000000,1: its 80,000,000 training rows are more than the WebGPU backend takes \(at most 4,194,240 a split: one dispatch of 65,535 workgroups\); give fewer rows, or --backend cpu$/ },
    { args: ['--task', 'regression', '--synthetic', '100,3', '--noise', '-1'], error: /--noise must be a finite number of at least 0, got '-1'/ },
    { args: ['--task', 'regression', '--synthetic', '100,3', '--data', out], error: /--data applies to --task classification only/ },
    { args: ['--task', 'ranking'], error: /--task must be one of classification, regression, got 'ranking'/ },
    { args: ['--csv', csv], error: /--csv applies to --task regression only/ },
  ])('$error', ({ args, error }) => {
    const r = runCli('train', args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(error);
  });
});
