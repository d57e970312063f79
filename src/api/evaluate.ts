/** evaluate: a model's loss and accuracy (R² for regression) with given parameters on a split of the engine's data. */
import type { Backend, Evaluation, Split } from '../backend/backend';
import { takeEngine } from './engine';

export async function evaluate(engine: Backend, params: Float32Array, split: Split = 'test'): Promise<Evaluation> {
  const lease = takeEngine(engine, null, 'evaluate');
  try {
    await engine.setParams(0, params);
    return await engine.evaluate(0, split);
  } finally {
    lease.release();
  }
}
