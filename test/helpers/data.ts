/** TrainingData for tests, from sets in memory. */
import type { Dataset } from '../../src/data/dataset';
import type { RegressionSplit } from '../../src/data/regression';
import { type ClassificationData, type RegressionTaskData, classificationData, regressionData } from '../../src/data/training-data';

export function classifierData(sets: { train: Dataset; test?: Dataset }): ClassificationData {
  return classificationData(sets.train, sets.test ?? null, { kind: 'arrays' }, `${sets.train.count} test-helper images`);
}

export function regressionSplitData(split: RegressionSplit): RegressionTaskData {
  return regressionData(split, { kind: 'arrays' }, `${split.train.count} test-helper rows`, Array.from({ length: split.train.dims }, (_, j) => `x${j}`), 'y');
}
