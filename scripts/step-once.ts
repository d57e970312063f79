/**
 * µs per training step at each batch size with the engine's own rule ('auto'), one process:
 * the half of an old-against-new comparison that runs in each checkout (bench/ab-steps.sh
 * alternates processes of two checkouts). Real MNIST, plain SGD, zero weights, seed 1.
 * Usage: npx tsx scripts/step-once.ts batch,batch,.. → one line "batch variant µs" per batch
 */
import { WebGpuBackend } from '../src/backend/webgpu';
import { loadMnist } from '../src/api/load-node';
import { initialParams } from '../src/data/training-data';
import { openNodeDevice } from '../src/device/open-node';
import { SGD } from '../src/optim/optimizer';
import { Rng, permutation } from '../src/rng';
import { epochPlan } from '../src/train/plan';

const batches = (process.argv[2] ?? '1,10,100,1000,60000').split(',').map(Number);
const data = loadMnist();
const { gpu } = await openNodeDevice('auto');
const engine = await WebGpuBackend.create(gpu, data);
for (const batch of batches) {
  const plan = epochPlan(data.trainCount, batch, 0.1 * Math.min(1, batch / 100));
  const steps = Math.max(1, Math.min(plan.length, Math.round(400000 / (batch * 40 + 2000))));
  await engine.setOptimizers([{ optimizer: SGD, lr: 1 }]);
  const times: number[] = [];
  const rounds = steps === 1 ? 4 : 2;
  for (let round = 0; round < rounds; round++) {
    await engine.setParams(0, initialParams(data));
    await engine.setPlan(plan, () => false);
    engine.setOrder(permutation(data.trainCount, new Rng(1)));
    const t0 = performance.now();
    await engine.runSteps(0, steps);
    times.push(((performance.now() - t0) / steps) * 1000);
  }
  const timed = times.slice(1).sort((a, b) => a - b);
  console.log(`${batch} ${engine.stepVariant} ${timed[timed.length >> 1]!.toFixed(0)}`);
}
await engine.destroy();
