/**
 * Data for linear regression (--task regression): float features and a float target per row,
 * from a CSV file or from a seeded synthetic generator. Features are standardised (mean 0,
 * standard deviation 1, with the training rows' statistics) so one learning rate suits every
 * column; the target is left as it is.
 */
import { UserError } from '../errors';
import { Rng, permutation } from '../train/rng';

export interface RegressionSet {
  /** (count, dims) row-major float32 */
  features: Float32Array;
  targets: Float32Array;
  count: number;
  dims: number;
}

export interface RegressionData {
  train: RegressionSet;
  test: RegressionSet;
  /** feature column names, and the target's */
  names: string[];
  target: string;
  /** what the data is, for reports: the CSV path or the generator's settings */
  source: string;
  /** synthetic data only: the true weights and bias the targets were made from */
  truth?: { weights: number[]; bias: number; noise: number };
}

/** Parses CSV text: a header of names, then rows of numbers (comma-separated, blank lines ignored). */
export function parseCsv(text: string, name: string, target: string): { names: string[]; rows: number; columns: number; x: Float64Array; y: Float64Array } {
  const lines = text.split(/\r?\n/).map((l, i) => ({ line: l.trim(), number: i + 1 })).filter((l) => l.line !== '');
  if (lines.length < 2) throw new UserError(`${name}: expected a header line and at least one row of numbers`);
  const header = lines[0]!.line.split(',').map((h) => h.trim());
  const t = header.indexOf(target);
  if (t < 0) throw new UserError(`${name}: no column named '${target}' for --target (columns: ${header.join(', ')})`);
  if (header.length < 2) throw new UserError(`${name}: needs at least one feature column besides the target '${target}'`);
  const rows = lines.length - 1;
  const columns = header.length - 1;
  const x = new Float64Array(rows * columns);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const { line, number } = lines[r + 1]!;
    const cells = line.split(',');
    if (cells.length !== header.length) throw new UserError(`${name}:${number}: ${cells.length} values, the header has ${header.length} columns`);
    let c = 0;
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[k]!.trim();
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) throw new UserError(`${name}:${number}: column '${header[k]}' holds '${cell}', not a finite number`);
      if (k === t) y[r] = v;
      else x[r * columns + c++] = v;
    }
  }
  return { names: header.filter((_, k) => k !== t), rows, columns, x, y };
}

/**
 * Splits rows into training and test sets (a seeded shuffle, then the last `testFraction`), and
 * standardises the features with the training rows' mean and standard deviation (a constant
 * column becomes 0).
 */
export function splitAndStandardise(x: Float64Array, y: Float64Array, rows: number, dims: number, testFraction: number, seed: number): { train: RegressionSet; test: RegressionSet } {
  const testRows = Math.min(rows - 1, Math.floor(rows * testFraction));
  if (rows - testRows < 1) throw new UserError('the data has no rows to train on');
  const order = permutation(rows, new Rng(seed ^ 0x5eed));
  const trainRows = Array.from(order.subarray(0, rows - testRows));
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (const r of trainRows) for (let j = 0; j < dims; j++) mean[j] += x[r * dims + j]! / trainRows.length;
  for (const r of trainRows) for (let j = 0; j < dims; j++) sd[j] += (x[r * dims + j]! - mean[j]!) ** 2 / trainRows.length;
  for (let j = 0; j < dims; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const set = (picked: number[]): RegressionSet => {
    const features = new Float32Array(picked.length * dims);
    const targets = new Float32Array(picked.length);
    picked.forEach((r, i) => {
      for (let j = 0; j < dims; j++) features[i * dims + j] = (x[r * dims + j]! - mean[j]!) / sd[j]!;
      targets[i] = y[r]!;
    });
    return { features, targets, count: picked.length, dims };
  };
  return { train: set(trainRows), test: set(Array.from(order.subarray(rows - testRows))) };
}

/** y = X·θ + b + noise·ε with X, θ, ε standard normal and b = 1, all from `seed`. */
export function syntheticRegression(rows: number, dims: number, noise: number, seed: number): { x: Float64Array; y: Float64Array; weights: number[]; bias: number } {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const weights = Array.from({ length: dims }, normal);
  const bias = 1;
  const x = new Float64Array(rows * dims);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = bias;
    for (let j = 0; j < dims; j++) {
      const v = normal();
      x[r * dims + j] = v;
      acc += v * weights[j]!;
    }
    y[r] = acc + noise * normal();
  }
  return { x, y, weights, bias };
}
