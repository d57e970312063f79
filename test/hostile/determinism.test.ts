/**
 * Determinism by default, across processes: the default command (no --step-variant) at every
 * batch size gives byte-identical weights run after run, because 'auto' chooses the step variant
 * by a fixed rule (the variants round differently); --step-variant tune measures, and records
 * what it chose, so that forcing that choice reproduces the run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { runCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-determinism-'));
const data = writeIdxFolder(head(mnist().train, 2100), head(mnist().test, 50));
/** 50 updates at batch 4: more than the 48 that tune times per candidate */
const tuneData = writeIdxFolder(head(mnist().train, 200), head(mnist().test, 50));

describe('the default command, twice, in two processes', () => {
  test.each([
    { batch: '1', epochs: '1' },
    { batch: '10', epochs: '1' },
    { batch: '1000', epochs: '3' },
    { batch: 'full', epochs: '3' },
  ])('batch $batch: the same weights, byte for byte, and the same variant', ({ batch, epochs }) => {
    const weights = [0, 1].map((k) => {
      const json = join(out, `b${batch}-${k}.json`);
      const r = runCli('train', ['--data', data, '--batch-size', batch, '--epochs', epochs, '--save', join(out, `b${batch}-${k}.bin`), '--json', json]);
      expect(r.code, r.stderr).toBe(0);
      const variant = (JSON.parse(readFileSync(json, 'utf8')) as RunReport).config.stepVariant!;
      expect(variant).not.toMatch(/measured/);
      return { bytes: readFileSync(join(out, `b${batch}-${k}.bin`)), variant };
    });
    expect(weights[1]!.variant).toBe(weights[0]!.variant);
    expect(weights[1]!.bytes.equals(weights[0]!.bytes)).toBe(true);
  });
});

test('tune records the variant it measured fastest; forcing it reproduces the weights', () => {
  const json = join(out, 'tune.json');
  const r = runCli('train', ['--data', tuneData, '--batch-size', '4', '--epochs', '1', '--step-variant', 'tune', '--save', join(out, 'tune.bin'), '--json', json]);
  expect(r.code, r.stderr).toBe(0);
  const chosen = /^(four-kernels|fused-\d+) \(measured over 48 steps/.exec((JSON.parse(readFileSync(json, 'utf8')) as RunReport).config.stepVariant!)![1]!;
  expect(runCli('train', ['--data', tuneData, '--batch-size', '4', '--epochs', '1', '--step-variant', chosen, '--save', join(out, 'forced.bin')]).code).toBe(0);
  expect(readFileSync(join(out, 'forced.bin')).equals(readFileSync(join(out, 'tune.bin')))).toBe(true);
});
