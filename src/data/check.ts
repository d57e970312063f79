/**
 * The library's door for data: a TrainingData built by hand (or by a program's own loader) is
 * checked as the loaders check files, before an engine holds it, with UserErrors that name the
 * field (`train.labels`, `split.train.features`, `names`), never a command-line flag. The IDX and
 * CSV loaders refuse bad files in their own terms (file, line, byte); this refuses what reaches
 * an engine whatever built it: the wrong array types, counts that disagree with the arrays, labels
 * outside the classes, values that are not finite, zero rows.
 */
import { check } from '../errors';
import { CLASSES } from '../model';
import type { Dataset } from './dataset';
import { REGRESSION_LOSSES, type RegressionSet } from './regression';
import type { ClassificationData, RegressionTaskData, TrainingData } from './training-data';

/** What a value is, for a message: its constructor's name, or its type. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

function wholeCount(field: string, n: unknown, min: number): number {
  check(Number.isSafeInteger(n) && (n as number) >= min, `${field} must be a whole number of at least ${min}, got ${String(n)}`);
  return n as number;
}

/**
 * The cheap check of every function taking TrainingData (modelOf, parametersOf, weightsFile...):
 * an object of a known task, holding its task's sets, refused naming `field`. checkTrainingData
 * checks the arrays too, before an engine holds them.
 */
export function demandDataShape(data: unknown, field = 'data'): asserts data is TrainingData {
  check(typeof data === 'object' && data !== null, `${field} must be TrainingData (from loadMnist, loadCsv, syntheticData, classificationData or regressionData), got ${kindOf(data)}`);
  const { task } = data as { task?: unknown };
  check(task === 'classification' || task === 'regression', `${field}.task must be 'classification' or 'regression', got ${typeof task === 'string' ? `'${task}'` : String(task)}`);
  const sets = task === 'classification' ? 'train' : 'split';
  const held = (data as Record<string, unknown>)[sets];
  check(typeof held === 'object' && held !== null, `${field}.${sets} must be an object (${task === 'classification' ? 'a Dataset' : 'the train and test sets'}), got ${kindOf(held)}`);
  wholeCount(`${field}.features`, (data as { features?: unknown }).features, 1);
}

/** Refuses data no engine can train on; returns it unchanged. */
export function checkTrainingData(data: TrainingData): TrainingData {
  demandDataShape(data);
  if (data.task === 'classification') checkClassification(data);
  else checkRegression(data);
  return data;
}

function checkClassification(data: ClassificationData): void {
  check(typeof data.train === 'object' && data.train !== null, `train must be a Dataset ({ images, labels, count, features }), got ${kindOf(data.train)}`);
  const features = checkDataset('train', data.train, 1);
  if (data.test !== null && data.test !== undefined) {
    checkDataset('test', data.test, 0);
    check(data.test.features === features, `test.features is ${data.test.features}; train.features is ${features}: both sets hold the same features`);
  }
  agree('trainCount', data.trainCount, 'train.count', data.train.count);
  agree('testCount', data.testCount, 'test.count', data.test?.count ?? 0);
  agree('features', data.features, 'train.features', features);
}

/** images (count × features bytes, features a multiple of 4) and labels (count classes) as Uint8Arrays. */
function checkDataset(name: string, d: Dataset, leastCount: number): number {
  const count = wholeCount(`${name}.count`, d.count, leastCount);
  const features = wholeCount(`${name}.features`, d.features, 4);
  check(features % 4 === 0, `${name}.features must be a multiple of 4 (images are packed 4 bytes per 32-bit word), got ${features}`);
  check(d.images instanceof Uint8Array, `${name}.images must be a Uint8Array of pixel bytes (0..255), got ${kindOf(d.images)}`);
  check(d.labels instanceof Uint8Array, `${name}.labels must be a Uint8Array of classes 0..${CLASSES - 1}, got ${kindOf(d.labels)}`);
  check(d.images.length === count * features, `${name}.images holds ${d.images.length} bytes; ${name}.count × ${name}.features is ${count} × ${features} = ${count * features}`);
  check(d.labels.length === count, `${name}.labels holds ${d.labels.length} labels; ${name}.count is ${count}`);
  const bad = d.labels.findIndex((y) => y >= CLASSES);
  check(bad < 0, `${name}.labels[${bad}] is ${d.labels[bad]}, outside the ${CLASSES} classes 0..${CLASSES - 1}`);
  return features;
}

function checkRegression(data: RegressionTaskData): void {
  const split = data.split;
  check(typeof split === 'object' && split !== null, `split must be a RegressionSplit ({ train, test, featureScale, targetScale }), got ${kindOf(split)}`);
  const dims = checkRows('split.train', split.train, 1, undefined);
  checkRows('split.test', split.test, 0, dims);
  agree('trainCount', data.trainCount, 'split.train.count', split.train.count);
  agree('testCount', data.testCount, 'split.test.count', split.test.count);
  agree('features', data.features, 'split.train.dims', dims);
  check(Array.isArray(data.names) && data.names.length === dims && data.names.every((n) => typeof n === 'string'),
    `names must be ${dims} strings, one per feature, got ${Array.isArray(data.names) ? `${data.names.length}` : kindOf(data.names)}`);
  check(typeof data.target === 'string', `target must be a string (the target column's name), got ${kindOf(data.target)}`);
  const o = data.objective;
  check((REGRESSION_LOSSES as readonly unknown[]).includes(o?.loss), `objective.loss must be one of ${REGRESSION_LOSSES.join(', ')}, got ${String(o?.loss)}`);
  check(typeof o.intercept === 'boolean', `objective.intercept must be true or false, got ${String(o.intercept)}`);
  check(Array.isArray(split.featureScale) && split.featureScale.length === dims, `split.featureScale must hold ${dims} scales, one per feature`);
  for (const [j, s] of [...split.featureScale.entries(), [dims, split.targetScale] as const]) {
    const field = j < dims ? `split.featureScale[${j}]` : 'split.targetScale';
    check(Number.isFinite(s?.mean) && Number.isFinite(s?.sd) && s.sd > 0, `${field} must have a finite mean and a positive finite sd, got ${JSON.stringify(s)}`);
  }
}

/** features (count × dims) and targets (count) as finite Float32Arrays. */
function checkRows(name: string, s: RegressionSet, leastCount: number, dims: number | undefined): number {
  check(typeof s === 'object' && s !== null, `${name} must be a RegressionSet ({ features, targets, count, dims }), got ${kindOf(s)}`);
  const count = wholeCount(`${name}.count`, s.count, leastCount);
  const d = wholeCount(`${name}.dims`, s.dims, 1);
  if (dims !== undefined) check(d === dims, `${name}.dims is ${d}; split.train.dims is ${dims}: both sets hold the same features`);
  for (const [field, a, length] of [['features', s.features, count * d], ['targets', s.targets, count]] as const) {
    check(a instanceof Float32Array, `${name}.${field} must be a Float32Array, got ${kindOf(a)}`);
    check(a.length === length, `${name}.${field} holds ${a.length} values; it needs ${length} (count ${count}${field === 'features' ? ` × dims ${d}` : ''})`);
    const bad = firstNotFinite(a);
    check(bad < 0, `${name}.${field}[${bad}] is ${a[bad]}, not a finite number`);
  }
  return d;
}

/** The index of the first NaN or infinity, -1 if none (a plain loop: regression sets reach 1e8 values). */
export function firstNotFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return i;
  return -1;
}

function agree(field: string, value: unknown, fromField: string, expected: number): void {
  check(value === expected, `${field} is ${String(value)}; ${fromField} is ${expected}`);
}
