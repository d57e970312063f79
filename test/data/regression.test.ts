import { describe, expect, test } from 'vitest';
import { meanAndDeviation, parseCsv, parseCsvColumns, splitAndStandardise, syntheticRegression, syntheticRegressionInSlices } from '../../src/data/regression';
import { regressionEvaluation } from '../../src/backend/regression-evaluation';
import { UserError } from '../../src/errors';
import { regressionFromRows } from '../../src/data/regression-data';

describe('CSV for regression', () => {
  test('header of names, numeric rows, the target column taken out (any position), blank lines skipped', async () => {
    const t = await parseCsv('a, y ,b\n1,10,2\n\n3,30,4\r\n', 'f.csv', 'y');
    expect(t.names).toEqual(['a', 'b']);
    expect([t.rows, t.columns]).toEqual([2, 2]);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(t.y)).toEqual([10, 30]);
  });
  test.each([
    { text: '', error: /f.csv: expected a header line and at least one row of numbers/ },
    { text: 'a,b\n1,2\n', target: 'y', error: /f.csv: no column named 'y' for the target \(columns: 'a', 'b'\)/ },
    { text: 'y\n1\n', error: /f.csv: needs at least one feature column besides the target 'y'/ },
    { text: 'a,y\n1,2\n3\n', error: /f.csv:3: 1 values, the header has 2 columns/ },
    { text: 'a,y\n1,2\nx,4\n', error: /f.csv:3: column 'a' holds 'x', not a finite number/ },
    { text: 'a,y\n1,\n', error: /f.csv:2: column 'y' holds '', not a finite number/ },
    { text: 'a,y\n1,Infinity\n', error: /f.csv:2: column 'y' holds 'Infinity', not a finite number/ },
    { text: 'a,y,a\n1,2,3\n', error: /f.csv: the column name 'a' appears twice \(columns 1 and 3\); names must be unique/ },
    { text: 'a,y,y\n1,2,3\n', error: /f.csv: the column name 'y' appears twice \(columns 2 and 3\)/ },
    { text: 'a,y\n"1,2\n', error: /f.csv:2: a quoted field is never closed/ },
    { text: 'a,y\n"1"x,2\n', error: /f.csv:2: unexpected text after a quoted field/ },
    { text: 'a,y\n', error: /f.csv: expected a header line and at least one row of numbers/ },
    { text: ',b,y\n1,2,3\n', error: /^f.csv: column 1 of the header has no name; every column needs one$/ },
    { text: 'a, ,y\n1,2,3\n', error: /^f.csv: column 2 of the header has no name/ },
    { text: 'a,b,y\r1,2,3\r2,3,5\r', error: /^f.csv:1: a line ends with a lone CR \(old Mac line endings\), which is not read; save the file with LF or CRLF line endings$/ },
    { text: 'a,y\r\n1,2\r3,4\r\n', error: /^f.csv:2: a line ends with a lone CR/ },
    { text: 'a,y\n"1",2\r', error: /^f.csv:2: a line ends with a lone CR/ },
    { text: Uint8Array.from([...Buffer.from('caf'), 0xe9, ...Buffer.from(',y\n1,2\n')]), error: /^f.csv: not UTF-8 text \(save the file as UTF-8\)$/ },
  ])('$error', async ({ text, target, error }) => {
    await expect(parseCsv(text, 'f.csv', target ?? 'y')).rejects.toThrow(UserError);
    await expect(parseCsv(text, 'f.csv', target ?? 'y')).rejects.toThrow(error);
  });

  test('predictions read the columns by the same checks: a repeated or empty name, or Latin-1, is refused', async () => {
    const columns = (text: string | Uint8Array) => parseCsvColumns(typeof text === 'string' ? Buffer.from(text) : text, 'p.csv', ['a']);
    await expect(columns('a,b,a\n1,2,3\n')).rejects.toThrow(/^p.csv: the column name 'a' appears twice \(columns 1 and 3\)/);
    await expect(columns('a,,b\n1,2,3\n')).rejects.toThrow(/^p.csv: column 2 of the header has no name/);
    await expect(columns(Uint8Array.from([0x61, 0x2c, 0xe9, 0x0a, 0x31, 0x2c, 0x32, 0x0a]))).rejects.toThrow(/^p.csv: not UTF-8 text/);
    expect((await columns('b,a\n1,2\n')).columns.map((c) => Array.from(c))).toEqual([[2]]);
  });

  test('RFC 4180: quoted fields (commas, doubled quotes, line breaks inside), a UTF-8 BOM, CRLF endings', async () => {
    const text = '\ufeff"size, m²","say ""y""",other\r\n"1.5","2",3\r\n  "4" , 5 ,6\r\n\r\n';
    const t = await parseCsv(Buffer.from(text, 'utf8'), 'f.csv', 'say "y"');
    expect(t.names).toEqual(['size, m²', 'other']);
    expect(Array.from(t.x)).toEqual([1.5, 3, 4, 6]);
    expect(Array.from(t.y)).toEqual([2, 5]);
    // a line break inside a quoted header name; errors name the line the row starts on
    const multi = await parseCsv('"a\nb",y\n1,2\n', 'f.csv', 'y');
    expect(multi.names).toEqual(['a\nb']);
    await expect(parseCsv('"a\nb",y\n1,2\nx,3\n', 'f.csv', 'y')).rejects.toThrow(/f.csv:4: column 'a\\nb' holds 'x'/);
  });
});

describe('split and standardise', () => {
  test('a seeded 80/20 split; training features get mean 0 and sd 1; a constant column becomes 0', () => {
    const rows = 50;
    const x = Float64Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? i * 3 + 7 : 5));
    const y = Float64Array.from({ length: rows }, (_, i) => i);
    const { train, test, targetScale } = splitAndStandardise(x, y, rows, 2, 0.2, 4);
    expect([train.count, test.count]).toEqual([40, 10]);
    // the target is standardised too, with the training rows' statistics: mean 0, and back to whole numbers
    expect(Array.from(train.targets).reduce((a, v) => a + v, 0) / 40).toBeCloseTo(0, 5);
    const trainY = Array.from(train.targets, (t) => t * targetScale.sd + targetScale.mean);
    expect(trainY.every((v) => Math.abs(v - Math.round(v)) < 1e-4)).toBe(true);
    const col = (j: number) => Array.from({ length: train.count }, (_, i) => train.features[i * 2 + j]!);
    const mean = col(0).reduce((a, v) => a + v, 0) / 40;
    expect(mean).toBeCloseTo(0, 5);
    expect(col(0).reduce((a, v) => a + (v - mean) ** 2, 0) / 40).toBeCloseTo(1, 5);
    expect(col(1).every((v) => v === 0)).toBe(true);
    expect(new Set([...train.targets, ...test.targets]).size).toBe(50);
  });
  test('mean and deviation stay finite for any finite values (1e300 squared would overflow)', () => {
    expect(meanAndDeviation([1e300, -1e300, 1e300, -1e300])).toEqual({ mean: 0, sd: 1e300 });
    expect(meanAndDeviation([1e19, 3e19])).toEqual({ mean: 2e19, sd: 1e19 });
    expect(meanAndDeviation([5, 5, 5])).toEqual({ mean: 5, sd: 1 });
  });

  test('synthetic data is seeded and follows y = X·θ + 1 when there is no noise', () => {
    const a = syntheticRegression(20, 3, 0, 9);
    expect(syntheticRegression(20, 3, 0, 9).y).toEqual(a.y);
    for (let r = 0; r < 20; r++) expect(a.y[r]).toBeCloseTo(1 + [0, 1, 2].reduce((s, j) => s + a.x[r * 3 + j]! * a.weights[j]!, 0), 10);
  });
});

describe('R² of the evaluation', () => {
  const flat = (n: number, v: number) => new Float32Array(n).fill(v);
  test.each([
    { name: 'a constant target, not standardised', targets: flat(40, 7), scale: { mean: 0, sd: 1 } },
    { name: 'a constant target of 0.1 (inexact in binary)', targets: flat(30, 0.1), scale: { mean: 0, sd: 1 } },
    { name: 'a constant target, standardised (all 0)', targets: flat(40, 0), scale: { mean: 7, sd: 1 } },
    { name: 'targets that differ by float64 rounding, standardised', targets: Float32Array.from([-1, 1, -1, 1]), scale: { mean: 7, sd: 1e-16 } },
  ])('undefined (NaN) where the targets do not vary in the data\'s units: $name', ({ targets, scale }) => {
    const e = regressionEvaluation(new Float32Array(targets.length).fill(3), targets, targets.length, 1, scale);
    expect(e.accuracy).toBeNaN();
    expect(Number.isFinite(e.loss)).toBe(true);
  });
  test('targets that vary: 1 − SSE/SST, whatever the scaling', () => {
    for (const scale of [{ mean: 0, sd: 1 }, { mean: 1e6, sd: 1e-3 }]) {
      expect(regressionEvaluation(Float32Array.from([1, 2, 3]), Float32Array.from([1, 2, 4]), 3, 1, scale).accuracy).toBeCloseTo(1 - 1 / (14 / 3), 12);
    }
  });
});

describe('values float32 would make 0 are refused, naming the column', () => {
  const rows = (x: number[], y: number[]) => ({ x: Float64Array.from(x), y: Float64Array.from(y), count: y.length, dims: x.length / y.length });
  const load = (r: ReturnType<typeof rows>, standardize: boolean) => regressionFromRows(r, 1, { standardize, testFraction: 0 }, { kind: 'arrays' }, 'rows', ['a'], 'y');

  test('unstandardised features of 1e-300 (and such a target) are refused; standardised they train', () => {
    const tiny = rows([1e-300, 2e-300, 3e-300, 4e-300], [1, 2, 3, 4]);
    expect(() => load(tiny, false)).toThrow(UserError);
    expect(() => load(tiny, false)).toThrow(/^rows: column 'a' holds 1e-300, which float32 \(the kernels' precision, smallest normal 1\.18e-38\) makes 0: standardise the columns \(standardize: true\) or scale it$/);
    expect(() => load(rows([1, 2, 3, 4], [0, 1e-40, 3, 4]), false)).toThrow(/^rows: column 'y' holds 1e-40, /);
    expect(load(tiny, true).split.train.features[0]).toBeCloseTo(-1.342, 3);
    // zeros are zeros: nothing is lost
    expect(load(rows([0, 2, 3, 4], [0, 2, 3, 4]), false).split.train.features[0]).toBe(0);
  });

  test.each([
    ['a feature beyond float32, unstandardised', 'a,y\n1.7e308,3\n1.6e308,5\n', false, /^rows: column 'a' holds 1\.7e\+308, which float32 \(the kernels' precision, largest 3\.40e\+38\) makes Infinity: standardise the columns \(standardize: true\) or scale it$/],
    ['a target beyond float32, unstandardised', 'a,y\n1,1e149\n2,-1e149\n', false, /^rows: column 'y' holds 1e\+149, which float32 \(the kernels' precision, largest 3\.40e\+38\) makes Infinity/],
    ['a feature spread over 1e-310, standardised', 'a,b,y\n1e-310,2,3\n2e-310,3,5\n3e-310,5,8\n4e-310,4,8\n5e-310,1,6\n', true, /^rows: column 'a' spreads only 1\.41e-310: a weight in the data's units \(divided by that spread\) would overflow float64: scale the column up$/],
  ])("%s is refused before training, naming the column (the page's path: parseCsv, regressionFromRows)", async (_what, csv, standardize, message) => {
    const t = await parseCsv(csv, 'rows', 'y');
    const make = () => regressionFromRows({ x: t.x, y: t.y, count: t.rows, dims: t.columns }, 1, { standardize, testFraction: 0 }, { kind: 'arrays' }, 'rows', t.names, 'y');
    expect(make).toThrow(UserError);
    expect(make).toThrow(message);
  });
});

describe('synthetic rows generated in slices (a stop request is taken between them)', () => {
  test('the same rows as at once; whileLoading is called between slices', async () => {
    let calls = 0;
    const sliced = await syntheticRegressionInSlices(600_000, 3, 0.5, 7, () => calls++);
    const once = syntheticRegression(600_000, 3, 0.5, 7);
    const bytes = (a: Float64Array) => Buffer.from(a.buffer);
    expect(bytes(sliced.x).equals(bytes(once.x)) && bytes(sliced.y).equals(bytes(once.y))).toBe(true);
    expect([sliced.weights, sliced.bias]).toEqual([once.weights, once.bias]);
    expect(calls).toBeGreaterThan(0);
  });

  test('whileLoading throwing abandons the generation', async () => {
    const stop = new UserError('stopped');
    await expect(syntheticRegressionInSlices(600_000, 3, 0.5, 7, () => { throw stop; })).rejects.toBe(stop);
  });
});
