/**
 * Regression rows as TrainingData, without the file system (the page builds them too): the
 * seeded synthetic generator, and the description and checks every regression dataset gets.
 */
import { UserError, check } from '../errors';
import { FIELDS, type Naming, demand, demandChoice, demandKnownKeys, demandText, isObject, isWhole } from '../fields';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, count } from '../format';
import { firstNotFinite } from './check';
import { DEFAULT_OBJECTIVE, REGRESSION_LOSSES, checkColumnNames, type RegressionOptions, type SyntheticRows, splitAndStandardise, syntheticRegression, syntheticRegressionInSlices } from './regression';

export type { RegressionOptions };
import { type DataOrigin, type RegressionTaskData, demandOrigin, regressionData } from './training-data';

/** 20% of the rows, after a seeded shuffle, are held out as the test set. */
export const TEST_FRACTION = 0.2;

export const DEFAULT_REGRESSION: RegressionOptions = { testFraction: TEST_FRACTION, standardize: true, ...DEFAULT_OBJECTIVE };

/** The options over their defaults, checked (`naming`: how a refusal names them; the CLI's flags for the CLI). */
export function regressionOptions(o: Partial<RegressionOptions> = {}, naming: Naming = FIELDS): RegressionOptions {
  demand(isObject(o), 'options', o, 'an object of regression options', naming);
  demandKnownKeys('', o, Object.keys(DEFAULT_REGRESSION), naming);
  const r = { ...DEFAULT_REGRESSION, ...o };
  demand(typeof r.testFraction === 'number' && r.testFraction >= 0 && r.testFraction < 1, 'testFraction', r.testFraction, 'a number from 0 (no test set) up to but not including 1', naming);
  demandChoice('loss', r.loss, REGRESSION_LOSSES, naming);
  for (const flag of ['standardize', 'intercept'] as const) demand(typeof r[flag] === 'boolean', flag, r[flag], 'true or false', naming);
  return r;
}

/** Rows in the data's units as a regression problem: split, scaled as asked, described and checked. */
export function regressionFromRows(
  rows: { x: Float64Array; y: Float64Array; count: number; dims: number },
  seed: number, options: Partial<RegressionOptions>, origin: DataOrigin, from: string, names: string[], target: string, truth?: RegressionTaskData['truth'], naming: Naming = FIELDS,
): RegressionTaskData {
  demandSeed(seed);
  checkGivenRows(rows);
  demandOrigin(origin);
  demandText('from', from, 'a non-empty string saying where the rows came from');
  demand(Array.isArray(names) && names.every((n) => typeof n === 'string'), 'names', names, 'a list of the feature column names');
  demandText('target', target, "the target column's name");
  check(names.length === rows.dims, `names holds ${names.length} names; the rows have ${rows.dims} features (dims)`);
  checkColumnNames([...names, target], from);
  const o = regressionOptions(options);
  const split = splitAndStandardise(rows.x, rows.y, rows.count, rows.dims, o.testFraction, seed, { standardize: o.standardize, center: o.intercept });
  checkFloat32Range(rows, split, [...names, target], from, naming);
  checkWeightsInDataUnits(split, names, from);
  const data = regressionData(split, origin, describeRows(split, target, from, o), names, target, truth, { loss: o.loss, intercept: o.intercept });
  return checkedRegression(data, from);
}

/** How a message asks for standardised columns: `standardize: true` (the library), `--standardize on` (the CLI). */
export function standardizeOn(naming: Naming): string {
  const name = naming.name('standardize');
  return name.startsWith('--') ? `${name} on` : `${name}: true`;
}

/** Why float32 (the kernels' precision) cannot hold a value: 0 or a subnormal though it is not 0, or beyond its largest; null where it can. */
function float32Problem(v: number): string | null {
  if (v !== 0 && Math.abs(v) < FLOAT32_MIN_NORMAL) return `(the kernels' precision, smallest normal ${FLOAT32_MIN_NORMAL.toPrecision(3)}) makes 0`;
  if (!(Math.abs(v) <= FLOAT32_MAX)) return `(the kernels' precision, largest ${FLOAT32_MAX.toPrecision(3)}) makes Infinity`;
  return null;
}

/**
 * Refuses a value that float32 cannot hold once scaled as the split scales it (1e-300 or 1.7e308
 * unstandardised): the model would train on zeros or fail on Infinity. `columns`: the features' names, then the target's.
 */
function checkFloat32Range(rows: { x: Float64Array; y: Float64Array; count: number; dims: number }, split: RegressionTaskData['split'], columns: readonly string[], from: string, naming: Naming): void {
  const check = (column: number, value: number, scaled: number) => {
    const why = float32Problem(scaled);
    if (why !== null) throw new UserError(`${from}: column '${columns[column]}' holds ${value}, which float32 ${why}: standardise the columns (${standardizeOn(naming)}) or scale it`);
  };
  const { featureScale: f, targetScale: t } = split;
  for (let i = 0; i < rows.x.length; i++) {
    const j = i % rows.dims;
    check(j, rows.x[i]!, (rows.x[i]! - f[j]!.mean) / f[j]!.sd);
  }
  for (let i = 0; i < rows.y.length; i++) check(rows.dims, rows.y[i]!, (rows.y[i]! - t.mean) / t.sd);
}

/**
 * Refuses a standardised column whose spread is so small (1e-310) that a weight in the data's
 * units, the trained weight × the target's spread / the column's, overflows float64: the saved
 * model, the printed equation and parametersOf would hold Infinity.
 */
function checkWeightsInDataUnits(split: RegressionTaskData['split'], names: readonly string[], from: string): void {
  const { featureScale: f, targetScale: t } = split;
  f.forEach((s, j) => {
    if (s.sd !== 1 && !Number.isFinite(Math.max(1, t.sd) / s.sd)) {
      throw new UserError(`${from}: column '${names[j]}' spreads only ${s.sd.toPrecision(3)}: a weight in the data's units (divided by that spread) would overflow float64: scale the column up`);
    }
  });
}

/** The seed of the split (and of synthetic rows): a 32-bit unsigned whole number. */
function demandSeed(seed: number, naming: Naming = FIELDS): void {
  demand(isWhole(seed, 0) && seed < 2 ** 32, 'seed', seed, 'a whole number from 0 to 4294967295', naming);
}

/**
 * The rows as given: x holds count × dims values and y count, all finite, a bad value named by
 * its index in the rows (once split and scaled, a row's index and value are lost).
 */
function checkGivenRows(rows: { x: ArrayLike<number>; y: ArrayLike<number>; count: number; dims: number }): void {
  demand(typeof rows === 'object' && rows !== null, 'rows', rows, 'an object { x, y, count, dims }');
  demand(isWhole(rows.count, 1), 'rows.count', rows.count, 'a whole number of at least 1');
  demand(isWhole(rows.dims, 1), 'rows.dims', rows.dims, 'a whole number of at least 1');
  for (const [field, values, length] of [['rows.x', rows.x, rows.count * rows.dims], ['rows.y', rows.y, rows.count]] as const) {
    demand(ArrayBuffer.isView(values) || Array.isArray(values), field, values, 'an array of numbers');
    check(values.length === length, `${field} holds ${values.length} values; rows.count ${rows.count}${field === 'rows.x' ? ` × rows.dims ${rows.dims}` : ''} is ${length}`);
    const bad = firstNotFinite(values);
    check(bad < 0, `${field}[${bad}] is ${values[bad]}, not a finite number`);
  }
}

/** Targets spread wider than this would make a squared error (in the target's units) overflow a double. */
const MAX_TARGET_DEVIATION = 1e150;

/** The most values (rows × features) a synthetic data set may hold. */
export const MAX_SYNTHETIC_VALUES = 1e8;

/** `rows` rows of `features` standard-normal features, y = X·θ + 1 + noise·ε, all from `seed`. */
export function syntheticData(rows: number, features: number, noise: number, seed: number, options: Partial<RegressionOptions> = {}, naming: Naming = FIELDS): RegressionTaskData {
  checkSynthetic(rows, features, noise, seed, options, naming);
  return syntheticTask(syntheticRegression(rows, features, noise, seed), rows, features, noise, seed, options);
}

/**
 * syntheticData's rows, the same ones, generated in slices: `whileLoading` is called between
 * them, after the event loop had a turn (signal handlers ran), and may throw to stop there.
 */
export async function syntheticDataInSlices(
  rows: number, features: number, noise: number, seed: number, whileLoading: () => void, options: Partial<RegressionOptions> = {}, naming: Naming = FIELDS,
): Promise<RegressionTaskData> {
  checkSynthetic(rows, features, noise, seed, options, naming);
  return syntheticTask(await syntheticRegressionInSlices(rows, features, noise, seed, whileLoading), rows, features, noise, seed, options);
}

function checkSynthetic(rows: number, features: number, noise: number, seed: number, options: Partial<RegressionOptions>, naming: Naming): void {
  demand(isWhole(rows, 2), 'rows', rows, 'a whole number of at least 2', naming);
  demand(isWhole(features, 1) && rows * features <= MAX_SYNTHETIC_VALUES, 'features', features, `a whole number of at least 1, with rows × features at most 1e8`, naming);
  demand(typeof noise === 'number' && Number.isFinite(noise) && noise >= 0, 'noise', noise, 'a finite number of at least 0', naming);
  demandSeed(seed, naming);
  regressionOptions(options, naming);
}

/** Generated rows as a regression problem, described by how they were made. */
function syntheticTask(s: SyntheticRows, rows: number, features: number, noise: number, seed: number, options: Partial<RegressionOptions>): RegressionTaskData {
  const names = Array.from({ length: features }, (_, j) => `x${j}`);
  const source = `synthetic: y = X·θ + 1 + ${noise}·ε, ${count(rows)} rows x ${features} features, seed ${seed}`;
  const origin: DataOrigin = { kind: 'synthetic', rows, features, noise, ...nonDefault(options) };
  return regressionFromRows({ x: s.x, y: s.y, count: rows, dims: features }, seed, options, origin, source, names, 'y', { weights: s.weights, bias: s.bias, noise });
}

/** The options that differ from the defaults, as an origin records them (an old checkpoint's origin has none). */
export function nonDefault(options: Partial<RegressionOptions>): { options?: Partial<RegressionOptions> } {
  const o = regressionOptions(options);
  const differing = Object.fromEntries(Object.entries(o).filter(([k, v]) => DEFAULT_REGRESSION[k as keyof RegressionOptions] !== v));
  return Object.keys(differing).length > 0 ? { options: differing } : {};
}

/** The line that says what the rows are and where they came from. */
export function describeRows(split: RegressionTaskData['split'], target: string, from: string, o: RegressionOptions = DEFAULT_REGRESSION): string {
  const scaled = !o.standardize ? 'features as given' : o.intercept ? 'standardised features' : 'features scaled, not centred';
  return `${count(split.train.count)} training and ${count(split.test.count)} test rows (${split.train.dims} ${scaled}, target '${target}') from ${from}`;
}

/** `data`, unless its target varies too widely for its losses to be reported in its units. */
export function checkedRegression(data: RegressionTaskData, from: string): RegressionTaskData {
  // losses are reported in the target's units: sd² times the standardised loss, finite up to about 1e300
  const sd = data.split.targetScale.sd;
  check(sd < MAX_TARGET_DEVIATION, `${from}: the target '${data.target}' varies by ${sd.toPrecision(3)} (standard deviation); its squared errors would overflow a double above ${MAX_TARGET_DEVIATION.toPrecision(1)}: divide the column by a power of ten`);
  return data;
}
