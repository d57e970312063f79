/** evaluate: a model's loss and accuracy (R² for regression) with given parameters on a split of the engine's data. */
import type { Backend, Evaluation, Split } from '../backend/backend';

export async function evaluate(engine: Backend, params: Float32Array, split: Split = 'test'): Promise<Evaluation> {
  await engine.setParams(0, params);
  return engine.evaluate(0, split);
}
