/** evaluate: a model's loss and accuracy (R² for regression) with given parameters on a split of the engine's data. */
import type { Backend, Evaluation, Split } from '../backend/backend';
import { paddedParams } from '../data/parameters';
import { check } from '../errors';
import { demandChoice } from '../fields';
import { engineData, takeEngine } from './engine';

/**
 * `params`: the model's values in the engine's layout (the classifier's W then b, as a weights
 * file holds them; regression's as trained) or fit's result.params (the same, padded to a
 * multiple of 4 as the engine stores them): an array, Float32Array or Float64Array of finite
 * numbers, checked as fit checks init and a resumed checkpoint's params (paddedParams).
 */
export async function evaluate(engine: Backend, params: ArrayLike<number>, split: Split = 'test'): Promise<Evaluation> {
  const lease = takeEngine(engine, null, 'evaluate');
  try {
    demandChoice('split', split, ['train', 'test']);
    const data = engineData(engine);
    check(data === null || split === 'train' || data.testCount > 0, "evaluate: split 'test' but the engine's data has no test set (evaluate 'train')");
    const stored = data === null ? Float32Array.from(params) : paddedParams(data, params, 'params');
    await engine.setParams(0, stored);
    return await engine.evaluate(0, split);
  } finally {
    lease.release();
  }
}
