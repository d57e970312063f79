/**
 * Numeric range, through the real command: regression on targets far beyond float32's squared
 * range (1e19 and up) trains to a finite loss and a good fit on both backends, because the target
 * is standardised and losses are reported back in its units in float64; a target too wide for
 * float64's squares is refused with one line instead of a divergence whose advice cannot help.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { runCli } from '../helpers/cli';

const out = mkdtempSync(join(tmpdir(), 'downhill-range-'));

/** y = scale·(2·a − b + 3) on 200 rows, with a little noise. */
function csv(name: string, scale: number): string {
  const rows = Array.from({ length: 200 }, (_, i) => {
    const a = (i * 37) % 101;
    const b = (i * 53) % 97;
    return `${a},${b},${scale * (2 * a - b + 3 + 0.01 * (((i * 7) % 13) - 6))}`;
  });
  const file = join(out, name);
  writeFileSync(file, `a,b,y\n${rows.join('\n')}\n`);
  return file;
}

describe('targets far beyond float32 squares', () => {
  test.each([
    { scale: 1e19, backend: 'webgpu' },
    { scale: 1e19, backend: 'cpu' },
    { scale: 1e30, backend: 'webgpu' },
    { scale: 1e100, backend: 'cpu' },
  ])('y ~ $scale on $backend: finite losses, R² > 0.999', ({ scale, backend }) => {
    const json = join(out, `${scale}-${backend}.json`);
    const r = runCli('train', ['--task', 'regression', '--csv', csv(`y${scale}.csv`, scale), '--target', 'y', '--backend', backend, '--batch-size', '16', '--lr', '0.1', '--epochs', '30', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.history.every((h) => Number.isFinite(h.loss) && (h.batchLoss === undefined || Number.isFinite(h.batchLoss)))).toBe(true);
    expect(report.final!.test!.accuracy).toBeGreaterThan(0.999);
    // the loss is in the target's units: of the order of scale² times the noise's variance
    expect(report.final!.train.loss).toBeGreaterThan(0);
    expect(report.final!.train.loss / scale ** 2).toBeLessThan(1);
  });

  test('a target whose squares overflow float64 is refused with one line', () => {
    const r = runCli('train', ['--task', 'regression', '--csv', csv('y1e200.csv', 1e200), '--target', 'y', '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^train: .*y1e200\.csv: the target 'y' varies by [\d.]+e\+201 \(standard deviation\); its squared errors would overflow a double above 1e\+150: divide the column by a power of ten$/);
  });
});
