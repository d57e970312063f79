/** evaluate: a model's loss and accuracy (R² for regression) with given parameters on a split of the engine's data. */
import type { Backend, Evaluation, Split } from '../backend/backend';
import { type TrainingData, modelOf } from '../data/training-data';
import { check } from '../errors';
import { demand, demandChoice } from '../fields';
import { engineData, takeEngine } from './engine';

/**
 * `params`: the model's values (W then b, or w then b, as a weights file holds them) or fit's
 * result.params (the same, padded to a multiple of 4 as the engine stores them).
 */
export async function evaluate(engine: Backend, params: Float32Array, split: Split = 'test'): Promise<Evaluation> {
  const lease = takeEngine(engine, null, 'evaluate');
  try {
    demandChoice('split', split, ['train', 'test']);
    const data = engineData(engine);
    const stored = data === null ? params : checkedParams(data, params, split);
    await engine.setParams(0, stored);
    return await engine.evaluate(0, split);
  } finally {
    lease.release();
  }
}

/** `params` padded as the engine stores them, once its length and `split` are known to fit `data`. */
function checkedParams(data: TrainingData, params: Float32Array, split: Split): Float32Array {
  check(split === 'train' || data.testCount > 0, "evaluate: split 'test' but the engine's data has no test set (evaluate 'train')");
  demand(params instanceof Float32Array, 'params', params, 'a Float32Array');
  const layout = modelOf(data).layout(data.features);
  check(params.length === layout.count || params.length === layout.paddedCount,
    `params holds ${params.length} values; this model of ${data.features} features needs ${layout.count} (or ${layout.paddedCount}, padded as fit's result.params)`);
  if (params.length === layout.paddedCount) return params;
  const padded = new Float32Array(layout.paddedCount);
  padded.set(params);
  return padded;
}
