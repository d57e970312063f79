/**
 * Regression rows as TrainingData, without the file system (the page builds them too): the
 * seeded synthetic generator, and the description and checks every regression dataset gets.
 */
import { check } from '../errors';
import { count } from '../format';
import { splitAndStandardise, syntheticRegression } from './regression';
import { type RegressionTaskData, regressionData } from './training-data';

/** 20% of the rows, after a seeded shuffle, are held out as the test set. */
export const TEST_FRACTION = 0.2;

/** Targets spread wider than this would make a squared error (in the target's units) overflow a double. */
const MAX_TARGET_DEVIATION = 1e150;

/** `rows` rows of `features` standard-normal features, y = X·θ + 1 + noise·ε, all from `seed`. */
export function syntheticData(rows: number, features: number, noise: number, seed: number): RegressionTaskData {
  check(Number.isSafeInteger(rows) && Number.isSafeInteger(features) && rows >= 2 && features >= 1 && rows * features <= 1e8,
    `--synthetic must be ROWS,FEATURES with at least 2 rows, 1 feature and at most 1e8 values, got '${rows},${features}'`);
  const s = syntheticRegression(rows, features, noise, seed);
  const split = splitAndStandardise(s.x, s.y, rows, features, TEST_FRACTION, seed);
  const names = Array.from({ length: features }, (_, j) => `x${j}`);
  const source = `synthetic: y = X·θ + 1 + ${noise}·ε, ${count(rows)} rows x ${features} features, seed ${seed}`;
  return checkedRegression(regressionData(split, { kind: 'synthetic', rows, features, noise }, describeRows(split, 'y', source), names, 'y', { weights: s.weights, bias: s.bias, noise }), source);
}

/** The line that says what the rows are and where they came from. */
export function describeRows(split: RegressionTaskData['split'], target: string, from: string): string {
  return `${count(split.train.count)} training and ${count(split.test.count)} test rows (${split.train.dims} standardised features, target '${target}') from ${from}`;
}

/** `data`, unless its target varies too widely for its losses to be reported in its units. */
export function checkedRegression(data: RegressionTaskData, from: string): RegressionTaskData {
  // losses are reported in the target's units: sd² times the standardised loss, finite up to about 1e300
  const sd = data.split.targetScale.sd;
  check(sd < MAX_TARGET_DEVIATION, `${from}: the target '${data.target}' varies by ${sd.toPrecision(3)} (standard deviation); its squared errors would overflow a double above ${MAX_TARGET_DEVIATION.toPrecision(1)}: divide the column by a power of ten`);
  return data;
}
