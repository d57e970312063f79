/**
 * µs per training step at each batch size with the engine's own rule ('auto'), one process:
 * the half of an old-against-new comparison that runs in each checkout (run it in two checkouts
 * in turn, several times: bench/results/kernels-swiftshader.md, 2026-12-02). Real MNIST, plain
 * SGD, zero weights, seed 1. The first round of each batch size is a warm-up.
 * Usage: npx tsx scripts/step-once.ts batch,batch,.. → one line "batch variant µs" per batch
 */
import { WebGpuBackend } from '../src/backend/webgpu';
import { loadMnist } from '../src/api/load-node';
import { openNodeDevice } from '../src/device/open-node';
import { epochPlan } from '../src/train/plan';
import { timeSteps } from './time-steps';

const batches = (process.argv[2] ?? '1,10,100,1000,60000').split(',').map(Number);
const data = loadMnist();
const { gpu } = await openNodeDevice('auto');
const engine = await WebGpuBackend.create(gpu, data);
for (const batch of batches) {
  const plan = epochPlan(data.trainCount, batch);
  const lr = 0.1 * Math.min(1, batch / 100);
  const steps = Math.max(1, Math.min(plan.length, Math.round(400000 / (batch * 40 + 2000))));
  const times: number[] = [];
  const rounds = steps === 1 ? 4 : 2;
  for (let round = 0; round < rounds; round++) times.push(await timeSteps(engine, data, plan, steps, lr));
  const timed = times.slice(1).sort((a, b) => a - b);
  console.log(`${batch} ${engine.stepVariant} ${timed[timed.length >> 1]!.toFixed(0)}`);
}
await engine.destroy();
