/**
 * Data for linear regression (--task regression): float features and a float target per row,
 * from a CSV file or from a seeded synthetic generator. Features are standardised (mean 0,
 * standard deviation 1, with the training rows' statistics) so one learning rate suits every
 * column; so is the target, so that float32 losses stay finite, and losses are reported back in
 * the target's units.
 */
import { UserError } from '../errors';
import { yieldToEventLoop } from '../event-loop';
import { decimal } from '../format';
import { Rng, permutation } from '../rng';

export interface RegressionSet {
  /** (count, dims) row-major float32 */
  features: Float32Array;
  targets: Float32Array;
  count: number;
  dims: number;
}

/** A column's affine scale: stored = (value − mean) / sd. The identity is { mean: 0, sd: 1 }. */
export interface ColumnScale {
  mean: number;
  sd: number;
}

/** Training and test rows as stored (standardised unless asked not to); the scales map them back to the data's units. */
export interface RegressionSplit {
  train: RegressionSet;
  test: RegressionSet;
  /** each feature was stored as (x − mean) / sd */
  featureScale: ColumnScale[];
  /** targets were stored as (y − mean) / sd: a loss in y's units is sd² times the stored one */
  targetScale: ColumnScale;
}

/**
 * How rows become a split: the fraction held out for testing, and whether columns are
 * standardised. `center: false` scales without subtracting the mean: a model without an
 * intercept stays one (centring the data is an implicit intercept).
 */
export interface SplitOptions {
  testFraction: number;
  standardize: boolean;
  center: boolean;
}

export const IDENTITY_SCALE: ColumnScale = { mean: 0, sd: 1 };

/** The squared loss trained: ½·mean (ŷ − y)² ('half-mse', the default) or mean (ŷ − y)² ('mse'). */
export type RegressionLoss = 'half-mse' | 'mse';
export const REGRESSION_LOSSES: readonly RegressionLoss[] = ['half-mse', 'mse'];

/** What regression minimises: its loss, and whether ŷ = w·x + b has the b. */
export interface RegressionObjective {
  loss: RegressionLoss;
  intercept: boolean;
}

export const DEFAULT_OBJECTIVE: RegressionObjective = { loss: 'half-mse', intercept: true };

/**
 * How rows become a regression problem (--test-fraction, --standardize, --intercept, --loss):
 * the defaults hold out 20%, standardise every column and fit ½·mean (ŷ − y)² with an intercept.
 */
export interface RegressionOptions extends RegressionObjective {
  testFraction: number;
  standardize: boolean;
}

/** dloss/dŷ = lossFactor · (ŷ − y), and the loss is lossFactor · (ŷ − y)² / 2: 1 for half-mse, 2 for mse. */
export function lossFactor(loss: RegressionLoss): number {
  return loss === 'mse' ? 2 : 1;
}

export interface RegressionData extends RegressionSplit {
  /** feature column names, and the target's */
  names: string[];
  target: string;
  /** what the data is, for reports: the CSV path or the generator's settings */
  source: string;
  /** synthetic data only: the true weights and bias the targets were made from */
  truth?: { weights: number[]; bias: number; noise: number };
}

/**
 * Parses CSV (RFC 4180): a header of names, then rows of numbers. Fields may be quoted ("a,b",
 * with "" for a quote, line breaks inside); lines may end in LF or CRLF; a UTF-8 byte order mark
 * is skipped; blank lines are ignored; spaces around an unquoted field are not part of it. Works on
 * the file's bytes, one field at a time, so a file larger than the longest JavaScript string
 * (512 MiB) parses too.
 */
export async function parseCsv(
  input: Uint8Array | string,
  name: string,
  target: string,
  /** called every RECORDS_PER_YIELD rows, after the event loop had a turn (signal handlers ran): it may throw to abandon the parse */
  checkpoint: () => void = () => {},
): Promise<{ names: string[]; rows: number; columns: number; x: Float64Array; y: Float64Array }> {
  const { records, header } = openCsv(typeof input === 'string' ? new TextEncoder().encode(input) : input, name);
  const t = header.indexOf(target);
  if (t < 0) {
    const list = header.slice(0, 20).map(shown).join(', ') + (header.length > 20 ? `, … (${header.length} in all)` : '');
    throw new UserError(`${name}: no column named ${shown(target)} for the target (columns: ${list})`);
  }
  if (header.length < 2) throw new UserError(`${name}: needs at least one feature column besides the target ${shown(target)}`);
  const columns = header.length - 1;
  const x = new GrowingArray();
  const y = new GrowingArray();
  for (const { fields, line } of records) {
    if (y.length % RECORDS_PER_YIELD === RECORDS_PER_YIELD - 1) {
      await yieldToEventLoop();
      checkpoint();
    }
    if (fields.length !== header.length) throw new UserError(`${name}:${line}: ${fields.length} values, the header has ${header.length} columns`);
    for (let k = 0; k < fields.length; k++) {
      const cell = fields[k]!.trim();
      const v = decimal(cell);
      if (!Number.isFinite(v)) throw new UserError(`${name}:${line}: column ${shown(header[k]!)} holds ${shown(cell)}, not a finite number`);
      if (k === t) y.push(v);
      else x.push(v);
    }
  }
  if (y.length === 0) throw noRows(name);
  return { names: header.filter((_, k) => k !== t), rows: y.length, columns, x: x.values(), y: y.values() };
}

/**
 * The columns `wanted` of CSV text (as parseCsv reads it), by their header names, for
 * predictions: other columns are skipped unread.
 */
export async function parseCsvColumns(input: Uint8Array, name: string, wanted: readonly string[]): Promise<{ columns: Float64Array[]; rows: number }> {
  const { records, header } = openCsv(input, name);
  const at = wanted.map((w) => {
    const k = header.indexOf(w);
    if (k < 0) throw new UserError(`${name}: no column named ${shown(w)}, which the model needs (it takes ${wanted.map(shown).join(', ')})`);
    return k;
  });
  const columns = wanted.map(() => new GrowingArray());
  for (const { fields, line } of records) {
    if (columns[0]!.length % RECORDS_PER_YIELD === RECORDS_PER_YIELD - 1) await yieldToEventLoop();
    if (fields.length !== header.length) throw new UserError(`${name}:${line}: ${fields.length} values, the header has ${header.length} columns`);
    at.forEach((k, j) => {
      const cell = fields[k]!.trim();
      const v = decimal(cell);
      if (!Number.isFinite(v)) throw new UserError(`${name}:${line}: column ${shown(header[k]!)} holds ${shown(cell)}, not a finite number`);
      columns[j]!.push(v);
    });
  }
  const rows = columns[0]?.length ?? 0;
  if (rows === 0) throw noRows(name);
  return { columns: columns.map((c) => c.values()), rows };
}

/**
 * CSV bytes as text records after their header (trimmed names); refuses binary files, text that is
 * not UTF-8, an empty file, and a header with an empty or repeated name.
 */
function openCsv(input: Uint8Array, name: string): { records: Generator<{ fields: string[]; line: number }>; header: string[] } {
  const bytes = input;
  if (bytes.subarray(0, 65536).includes(0)) throw new UserError(`${name}: not a CSV text file (it holds NUL bytes)`);
  checkUtf8(bytes, name);
  const records = csvRecords(bytes, name);
  const first = records.next();
  if (first.done) throw noRows(name);
  const header = first.value.fields.map((h) => h.trim());
  checkColumnNames(header, name);
  return { records, header };
}

/** Every column named, each name once: the target and the features are found by name (a CSV's header, regressionFromRows' names and target). */
export function checkColumnNames(header: readonly string[], name: string): void {
  for (const [k, h] of header.entries()) {
    if (h === '') throw new UserError(`${name}: column ${k + 1} of the header has no name; every column needs one`);
    const again = header.indexOf(h, k + 1);
    if (again >= 0) throw new UserError(`${name}: the column name ${shown(h)} appears twice (columns ${k + 1} and ${again + 1}); names must be unique`);
  }
}

/** UTF-8 is checked in slices of this many bytes, so that no string of a large file's size is made. */
const UTF8_SLICE = 1 << 24;

/** Refuses bytes that are not UTF-8 (a Latin-1 name would print as '�'). */
function checkUtf8(bytes: Uint8Array, name: string): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let i = 0; i < bytes.length; i += UTF8_SLICE) decoder.decode(bytes.subarray(i, i + UTF8_SLICE), { stream: i + UTF8_SLICE < bytes.length });
  } catch {
    throw new UserError(`${name}: not UTF-8 text (save the file as UTF-8)`);
  }
}

function noRows(name: string): UserError {
  return new UserError(`${name}: expected a header line and at least one row of numbers`);
}

/** A large file is parsed in slices of this many rows, letting signal handlers run in between. */
const RECORDS_PER_YIELD = 65536;

/**
 * Text from the file as a message shows it: in single quotes, at most 40 characters, control
 * characters escaped, so that a binary or huge field never floods the terminal.
 */
function shown(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  // eslint-disable-next-line no-control-regex
  return `'${cut.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}'`;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The UTF-8 text of bytes [from, to): through Node's Buffer where there is one (fast for the short
 * fields of a CSV), through TextDecoder in the browser; both replace invalid sequences with U+FFFD.
 */
function utf8Slicer(bytes: Uint8Array): (from: number, to: number) => string {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (NodeBuffer) {
    const b = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (from, to) => b.toString('utf8', from, to);
  }
  const decoder = new TextDecoder();
  return (from, to) => decoder.decode(bytes.subarray(from, to));
}

/** The records of CSV bytes, each with the line it starts on; blank lines are skipped. */
function* csvRecords(bytes: Uint8Array, name: string): Generator<{ fields: string[]; line: number }> {
  const text = utf8Slicer(bytes);
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  const n = bytes.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      let field: string;
      if (bytes[i] === QUOTE || (isSpace(bytes[i]) && firstNonSpace(bytes, i) === QUOTE)) {
        i = firstNonSpaceIndex(bytes, i) + 1;
        const parts: string[] = [];
        let from = i;
        for (;;) {
          if (i >= n) throw new UserError(`${name}:${startLine}: a quoted field is never closed`);
          const b = bytes[i]!;
          if (b === LF) line++;
          if (b === QUOTE) {
            parts.push(text(from, i));
            if (bytes[i + 1] === QUOTE) {
              parts.push('"');
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          i++;
        }
        field = parts.join('');
        while (i < n && isSpace(bytes[i])) i++;
        if (i < n && bytes[i] !== COMMA && bytes[i] !== LF && bytes[i] !== CR) throw new UserError(`${name}:${line}: unexpected text after a quoted field`);
        blank = false;
      } else {
        const from = i;
        while (i < n && bytes[i] !== COMMA && bytes[i] !== LF && bytes[i] !== CR) i++;
        field = text(from, i);
        if (field.trim() !== '') blank = false;
      }
      fields.push(field);
      if (i < n && bytes[i] === COMMA) {
        i++;
        blank = false;
        continue;
      }
      if (i < n && bytes[i] === CR) {
        if (bytes[i + 1] !== LF) throw new UserError(`${name}:${line}: a line ends with a lone CR (old Mac line endings), which is not read; save the file with LF or CRLF line endings`);
        i++;
      }
      if (i < n && bytes[i] === LF) {
        i++;
        line++;
      }
      break;
    }
    if (!blank) yield { fields, line: startLine };
  }
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09;
}

function firstNonSpaceIndex(bytes: Uint8Array, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

function firstNonSpace(bytes: Uint8Array, i: number): number | undefined {
  return bytes[firstNonSpaceIndex(bytes, i)];
}

/** A Float64Array that grows by doubling, for values whose count is known only at the end. */
class GrowingArray {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Splits rows into training and test sets (a seeded shuffle, then the last `testFraction`; with
 * nothing held out the rows keep the file's order) and, unless told not to, standardises the
 * features and the target with the training rows' mean and standard deviation (a constant column
 * becomes 0). Standardising the target keeps every float32 loss and gradient finite for any
 * finite data (a target of 1e19 would overflow its squared error); losses are reported in the
 * target's own units by multiplying by targetScale.sd² (see RegressionSplit).
 */
export function splitAndStandardise(x: Float64Array, y: Float64Array, rows: number, dims: number, testFraction: number, seed: number, o: Omit<SplitOptions, 'testFraction'> = { standardize: true, center: true }): RegressionSplit {
  const testRows = Math.min(rows - 1, Math.floor(rows * testFraction));
  if (rows - testRows < 1) throw new UserError('the data has no rows to train on');
  const order = testRows === 0 ? Uint32Array.from({ length: rows }, (_, i) => i) : permutation(rows, new Rng(seed ^ 0x5eed));
  const trainRows = Array.from(order.subarray(0, rows - testRows));
  const scaleOf = (values: number[]): ColumnScale => {
    if (!o.standardize) return IDENTITY_SCALE;
    const s = meanAndDeviation(values);
    return o.center ? s : { mean: 0, sd: rootMeanSquare(values) };
  };
  const featureScale = Array.from({ length: dims }, (_, j) => scaleOf(trainRows.map((r) => x[r * dims + j]!)));
  const targetScale = scaleOf(trainRows.map((r) => y[r]!));
  const set = (picked: number[]): RegressionSet => {
    const features = new Float32Array(picked.length * dims);
    const targets = new Float32Array(picked.length);
    picked.forEach((r, i) => {
      for (let j = 0; j < dims; j++) features[i * dims + j] = (x[r * dims + j]! - featureScale[j]!.mean) / featureScale[j]!.sd;
      targets[i] = (y[r]! - targetScale.mean) / targetScale.sd;
    });
    return { features, targets, count: picked.length, dims };
  };
  return { train: set(trainRows), test: set(Array.from(order.subarray(rows - testRows))), featureScale, targetScale };
}

/** √(mean of v²), without overflow; 0 is returned as 1 (an all-zero column stays 0). */
function rootMeanSquare(values: readonly number[]): number {
  const largest = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  if (largest === 0) return 1;
  return Math.sqrt(values.reduce((a, v) => a + (v / largest) ** 2, 0) / values.length) * largest;
}

/**
 * Mean and standard deviation (population) of finite values, computed without overflow for any
 * of them (each is divided by the largest magnitude first); a deviation of 0 is returned as 1.
 */
export function meanAndDeviation(values: readonly number[]): { mean: number; sd: number } {
  const largest = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1;
  const mean = (values.reduce((a, v) => a + v / largest, 0) / values.length) * largest;
  const spread = values.reduce((a, v) => Math.max(a, Math.abs(v - mean)), 0) || 1;
  const sd = Math.sqrt(values.reduce((a, v) => a + ((v - mean) / spread) ** 2, 0) / values.length) * spread;
  return { mean, sd: sd > 0 && Number.isFinite(sd) ? sd : 1 };
}

export interface SyntheticRows {
  x: Float64Array;
  y: Float64Array;
  weights: number[];
  bias: number;
}

/** y = X·θ + b + noise·ε with X, θ, ε standard normal and b = 1, all from `seed`. */
export function syntheticRegression(rows: number, dims: number, noise: number, seed: number): SyntheticRows {
  const generation = synthesis(rows, dims, noise, seed);
  for (;;) {
    const step = generation.next();
    if (step.done) return step.value;
  }
}

/**
 * syntheticRegression's rows, the same values, generated in slices of VALUES_PER_YIELD: between
 * them the event loop has a turn (signal handlers run) and `whileLoading` is called, which may
 * throw to abandon the generation.
 */
export async function syntheticRegressionInSlices(rows: number, dims: number, noise: number, seed: number, whileLoading: () => void): Promise<SyntheticRows> {
  const generation = synthesis(rows, dims, noise, seed);
  for (;;) {
    const step = generation.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
    whileLoading();
  }
}

/** Synthetic rows are generated in slices of about this many values, letting signal handlers run in between. */
const VALUES_PER_YIELD = 1 << 20;

/** The generation itself: pauses (yields) after each slice of rows. */
function* synthesis(rows: number, dims: number, noise: number, seed: number): Generator<void, SyntheticRows> {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const weights = Array.from({ length: dims }, normal);
  const bias = 1;
  const x = new Float64Array(rows * dims);
  const y = new Float64Array(rows);
  const rowsPerSlice = Math.max(1, Math.floor(VALUES_PER_YIELD / dims));
  for (let r = 0; r < rows; r++) {
    if (r % rowsPerSlice === rowsPerSlice - 1) yield;
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
