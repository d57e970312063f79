/**
 * Saved regression weights predict what the trained model predicts, where float32 cannot hold
 * them in the data's units: a feature near 1e9 of deviation 1 (w = 2, b = 3 − 2e9, whose float32
 * rounding moved every prediction by about 100) and a feature near 1e50 (w = 2e-50, 0 in float32).
 * Through the real commands: train --save (both formats), predict --load, and the safetensors
 * file read by the independent reader as PyTorch would.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { encodeSafetensorsWeights, encodeWeights, readWeights } from '../../src/io/weights';
import { LINEAR_REGRESSION } from '../../src/model';
import { Rng } from '../../src/rng';
import { runCli } from '../helpers/cli';
import { readSafetensorsIndependently } from '../helpers/safetensors-reader';

const out = mkdtempSync(join(tmpdir(), 'downhill-precision-'));
const path = (name: string) => join(out, name);

/** |predicted − the trained model's prediction| allowed: float64 rounding of w·x + b near 2e9 is about 5e-7 */
const TRAINED_TOLERANCE = 1e-6;
/** |predicted − the noise-free target| allowed: the model trains to R² 1.0000 in float32 */
const TRUTH_TOLERANCE = 1e-3;

interface Case {
  name: string;
  /** a feature value from a standard normal draw */
  feature(z: number): number;
  /** the noise-free target of a feature value */
  target(x: number): number;
}

const CASES: Case[] = [
  { name: 'near 1e9, deviation 1', feature: (z) => 1e9 + z, target: (x) => 2 * (x - 1e9) + 3 },
  { name: 'near 1e50, deviation 1e50', feature: (z) => 1e50 * (1 + z), target: (x) => 2 * (x / 1e50 - 1) + 3 },
];

function writeCsv(file: string, c: Case): number[] {
  const rng = new Rng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const xs = Array.from({ length: 100 }, () => c.feature(normal()));
  writeFileSync(file, `x,y\n${xs.map((x) => `${x},${c.target(x)}`).join('\n')}\n`);
  return xs.map((x) => Number(String(x)));
}

describe.each(CASES)('a feature $name', (c) => {
  const slug = c.name.split(',')[0]!.replace(/\W+/g, '-');
  const csv = path(`${slug}.csv`);
  const xs = writeCsv(csv, c);
  const train = (save: string) => {
    const r = runCli('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--backend', 'cpu', '--batch-size', 'full', '--lr', '0.5', '--epochs', '200', '--save', save, '--json', `${save}.json`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test: R² 1\.0000/);
    const p = (JSON.parse(readFileSync(`${save}.json`, 'utf8')) as { parameters: { weights: number[]; intercept: number } }).parameters;
    return (x: number) => p.weights[0]! * x + p.intercept;
  };

  const trainedBy = new Map<string, (x: number) => number>();
  const trainedWith = (file: string) => trainedBy.get(file) ?? trainedBy.set(file, train(file)).get(file)!;

  test.each(['m.bin', 'm.safetensors'])('predict --load %s gives the trained model\'s predictions', (name) => {
    const file = path(`${slug}-${name}`);
    const trained = trainedWith(file);
    const r = runCli('predict', ['--load', file, '--csv', csv]);
    expect(r.code, r.stderr).toBe(0);
    const predicted = r.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
    expect(predicted).toHaveLength(xs.length);
    xs.forEach((x, i) => {
      expect(Math.abs(predicted[i]! - trained(x))).toBeLessThanOrEqual(TRAINED_TOLERANCE);
      expect(Math.abs(predicted[i]! - c.target(x))).toBeLessThanOrEqual(TRUTH_TOLERANCE);
    });
  });

  test('the safetensors file, read independently, holds float64 weight and bias that predict as trained', () => {
    const file = path(`${slug}-m.safetensors`);
    const trained = trainedWith(file);
    const read = readSafetensorsIndependently(readFileSync(file));
    expect(read.tensors.weight!.dtype).toBe('F64');
    expect(read.tensors.bias!.dtype).toBe('F64');
    const [w] = read.tensors.weight!.values;
    const [b] = read.tensors.bias!.values;
    expect(w).not.toBe(0);
    for (const x of xs) expect(Math.abs(w! * x + b! - trained(x))).toBeLessThanOrEqual(TRAINED_TOLERANCE);
  });
});

test('files written before (float32 regression values) load as they are, in both formats', () => {
  const values = Float32Array.from([0.1, -2.5, 3.75]);
  const description = { units: 'data' as const, names: ['a', 'b'], target: 'y', intercept: true };
  const own = encodeWeights(values, LINEAR_REGRESSION, 2, description);
  const st = encodeSafetensorsWeights(values, LINEAR_REGRESSION, 2, description, undefined);
  expect(readSafetensorsIndependently(st).tensors.weight!.dtype).toBe('F32');
  for (const [bytes, name] of [[own, 'w.bin'], [st, 'w.safetensors']] as const) {
    const read = readWeights(bytes, name);
    expect(Array.from(read.values)).toEqual(Array.from(values));
    expect(read.description).toEqual(description);
  }
});

test('weights that would overflow float64 in the data\'s units are refused before training with one line, no file written', () => {
  const csv = path('tiny.csv');
  writeFileSync(csv, `x,y\n${Array.from({ length: 50 }, (_, i) => `${Math.sin(i * 1.7) * 1e-305},${Math.sin(i * 1.7) * 1e10}`).join('\n')}\n`);
  const save = path('tiny.bin');
  const r = runCli('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--backend', 'cpu', '--batch-size', 'full', '--lr', '0.5', '--epochs', '5', '--save', save, '--quiet']);
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^train: .*tiny\.csv: column 'x' spreads only [0-9.e+-]+: a weight in the data's units \(divided by that spread\) would overflow float64: scale the column up$/);
  expect(existsSync(save)).toBe(false);
});
