/** The commands as a user runs them: train writes JSON and weights; evaluate reproduces the accuracy. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = writeIdxFolder(head(mnist().train, 997), head(mnist().test, 301));
const out = mkdtempSync(join(tmpdir(), 'downhill-run-'));

describe.each(['webgpu', 'cpu'])('%s backend', (backend) => {
  test('train --json --save, then evaluate --load', () => {
    const json = join(out, `${backend}.json`);
    const weights = join(out, `${backend}.bin`);
    const r = runCli('train', ['--data', data, '--batch-size', '64', '--epochs', '2', '--lr', '0.3', '--seed', '4', '--backend', backend, '--json', json, '--save', weights]);
    expect(r.stderr.trim()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/training: batch 64 \(16 updates per epoch\), lr 0.3, 2 epochs, seed 4/);

    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.schema).toBe('downhill-run/1');
    expect(report.config).toMatchObject({ batchSize: 64, epochs: 2, lr: 0.3, seed: 4, backend, trainExamples: 997, testExamples: 301, stepsPerEpoch: 16, recordEvery: 4 });
    expect(report.adapter.runtime).toBe(backend === 'cpu' ? 'cpu' : 'dawn-node');
    expect(report.history.map((h) => h.step)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32]);
    expect(report.history.at(-1)!.samples).toBe(2 * 997);
    expect(report.final!.test!.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(301);
    expect(report.final!.test!.accuracy).toBeGreaterThan(0.7);
    expect(report.timings!.samples).toBe(2 * 997);
    expect(report.timings!.samplesPerSecond).toBeGreaterThan(0);
    const accuracy = `${(report.final!.test!.accuracy! * 100).toFixed(2)}%`;
    expect(r.stdout).toContain(`test: accuracy ${accuracy}`);

    const e = runCli('evaluate', ['--load', weights, '--data', data, '--backend', backend]);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain(`test: accuracy ${accuracy}, loss ${report.final!.test!.loss.toFixed(4)}`);
  });
});

test('--step-variant fixes how small-batch steps run, and the JSON records it', () => {
  const json = join(out, 'variant.json');
  const r = runCli('train', ['--data', data, '--batch-size', '1', '--epochs', '1', '--step-variant', 'fused-32', '--json', json]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('steps: fused-32 (forced)');
  expect((JSON.parse(readFileSync(json, 'utf8')) as RunReport).config.stepVariant).toBe('fused-32 (forced)');
});

test('--batch-size full trains full-batch gradient descent', () => {
  const r = runCli('train', ['--data', data, '--batch-size', 'full', '--epochs', '3']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/training: batch 997 \(1 updates per epoch\), lr 0\.2\d+, 3 epochs/);
  expect(r.stdout).toMatch(/^lr 0\.2\d+ = 1\/L for batch 997: /m);
});
