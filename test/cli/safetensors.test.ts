/**
 * --save *.safetensors through the real commands: the file's layout checked by an independent
 * reader, and every command that takes weights (evaluate --load, predict --load, train --init)
 * reading it as it reads downhill's own file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';
import { readSafetensorsIndependently } from '../helpers/safetensors-reader';

const data = writeIdxFolder(head(mnist().train, 500), head(mnist().test, 200));
const out = mkdtempSync(join(tmpdir(), 'downhill-safetensors-'));
const path = (name: string) => join(out, name);

describe('the classifier', () => {
  const train = (save: string) => runCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '50', '--epochs', '2', '--seed', '3', '--save', save]);
  const st = train(path('m.safetensors'));
  const own = train(path('m.bin'));

  test('train --save m.safetensors writes weight (10, 784) and bias (10) with the run\'s config', () => {
    expect(st.code).toBe(0);
    expect(st.stdout).toContain(`wrote --save ${path('m.safetensors')}`);
    const read = readSafetensorsIndependently(readFileSync(path('m.safetensors')));
    expect(read.tensors.weight!.shape).toEqual([10, 784]);
    expect(read.tensors.bias!.shape).toEqual([10]);
    expect(JSON.parse(read.metadata!.config!)).toMatchObject({ batchSize: 50, epochs: 2, seed: 3, backend: 'cpu', task: 'classification' });
  });

  test('evaluate --load reads it, with the accuracy of the same run saved in downhill\'s format', () => {
    expect(own.code).toBe(0);
    const a = runCli('evaluate', ['--load', path('m.safetensors'), '--data', data, '--backend', 'cpu']);
    const b = runCli('evaluate', ['--load', path('m.bin'), '--data', data, '--backend', 'cpu']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/test: accuracy \d+\.\d+%/);
    expect(a.stdout).toBe(b.stdout.replaceAll(path('m.bin'), path('m.safetensors')));
  });

  test('train --init m.safetensors starts where it ended', () => {
    const r = runCli('train', ['--data', data, '--backend', 'cpu', '--batch-size', '50', '--epochs', '1', '--lr', '1e-9', '--init', path('m.safetensors')]);
    expect(r.code).toBe(0);
    const accuracy = (s: string) => /test: accuracy (\d+\.\d+%)/.exec(s)![1];
    expect(accuracy(r.stdout)).toBe(accuracy(st.stdout));
  });
});

test('regression: predict --load r.safetensors gives what predict --load r.bin gives', () => {
  for (const f of ['r.safetensors', 'r.bin']) {
    const r = runCli('train', ['--task', 'regression', '--synthetic', '300,3', '--backend', 'cpu', '--epochs', '3', '--save', path(f)]);
    expect(r.code).toBe(0);
  }
  const read = readSafetensorsIndependently(readFileSync(path('r.safetensors')));
  expect(read.tensors.weight!.shape).toEqual([1, 3]);
  expect(read.metadata).toMatchObject({ model: 'linear-regression', names: '["x0","x1","x2"]', target: 'y', intercept: 'true' });
  const [a, b] = ['r.safetensors', 'r.bin'].map((f) => runCli('predict', ['--load', path(f), '--x', '1,2,3,0.5,0,-1']));
  expect(a!.code).toBe(0);
  expect(a!.stdout).toBe(b!.stdout);
  expect(a!.stdout.trim().split('\n')).toHaveLength(2);
});
