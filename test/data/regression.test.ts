import { describe, expect, test } from 'vitest';
import { parseCsv, splitAndStandardise, syntheticRegression } from '../../src/data/regression';
import { UserError } from '../../src/errors';

describe('CSV for regression', () => {
  test('header of names, numeric rows, the target column taken out (any position), blank lines skipped', () => {
    const t = parseCsv('a, y ,b\n1,10,2\n\n3,30,4\r\n', 'f.csv', 'y');
    expect(t.names).toEqual(['a', 'b']);
    expect([t.rows, t.columns]).toEqual([2, 2]);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(t.y)).toEqual([10, 30]);
  });
  test.each([
    { text: '', error: /f.csv: expected a header line and at least one row of numbers/ },
    { text: 'a,b\n1,2\n', target: 'y', error: /f.csv: no column named 'y' for --target \(columns: a, b\)/ },
    { text: 'y\n1\n', error: /f.csv: needs at least one feature column besides the target 'y'/ },
    { text: 'a,y\n1,2\n3\n', error: /f.csv:3: 1 values, the header has 2 columns/ },
    { text: 'a,y\n1,2\nx,4\n', error: /f.csv:3: column 'a' holds 'x', not a finite number/ },
    { text: 'a,y\n1,\n', error: /f.csv:2: column 'y' holds '', not a finite number/ },
    { text: 'a,y\n1,Infinity\n', error: /f.csv:2: column 'y' holds 'Infinity', not a finite number/ },
  ])('$error', ({ text, target, error }) => {
    expect(() => parseCsv(text, 'f.csv', target ?? 'y')).toThrow(UserError);
    expect(() => parseCsv(text, 'f.csv', target ?? 'y')).toThrow(error);
  });
});

describe('split and standardise', () => {
  test('a seeded 80/20 split; training features get mean 0 and sd 1; a constant column becomes 0', () => {
    const rows = 50;
    const x = Float64Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? i * 3 + 7 : 5));
    const y = Float64Array.from({ length: rows }, (_, i) => i);
    const { train, test } = splitAndStandardise(x, y, rows, 2, 0.2, 4);
    expect([train.count, test.count]).toEqual([40, 10]);
    const col = (j: number) => Array.from({ length: train.count }, (_, i) => train.features[i * 2 + j]!);
    const mean = col(0).reduce((a, v) => a + v, 0) / 40;
    expect(mean).toBeCloseTo(0, 5);
    expect(col(0).reduce((a, v) => a + (v - mean) ** 2, 0) / 40).toBeCloseTo(1, 5);
    expect(col(1).every((v) => v === 0)).toBe(true);
    expect(new Set([...train.targets, ...test.targets]).size).toBe(50);
  });
  test('synthetic data is seeded and follows y = X·θ + 1 when there is no noise', () => {
    const a = syntheticRegression(20, 3, 0, 9);
    expect(syntheticRegression(20, 3, 0, 9).y).toEqual(a.y);
    for (let r = 0; r < 20; r++) expect(a.y[r]).toBeCloseTo(1 + [0, 1, 2].reduce((s, j) => s + a.x[r * 3 + j]! * a.weights[j]!, 0), 10);
  });
});
