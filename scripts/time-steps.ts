/** The timing loop the step scripts share (step-bench.ts, step-once.ts). */
import type { WebGpuBackend } from '../src/backend/webgpu';
import { type TrainingData, initialParams } from '../src/data/training-data';
import { SGD } from '../src/optim/optimizer';
import { Rng, permutation } from '../src/rng';
import type { Plan } from '../src/backend/backend';

/** µs per step of `steps` steps of `plan` from zero weights, plain SGD at `lr`, shuffle seed 1, timed to completion. */
export async function timeSteps(engine: WebGpuBackend, data: TrainingData, plan: Plan, steps: number, lr: number): Promise<number> {
  await engine.setOptimizers([{ optimizer: SGD, lr }]);
  await engine.setParams(0, initialParams(data));
  await engine.setPlan(plan, () => false);
  engine.setOrder(permutation(data.trainCount, new Rng(1)));
  const t0 = performance.now();
  await engine.runSteps(0, steps);
  return ((performance.now() - t0) / steps) * 1000;
}
