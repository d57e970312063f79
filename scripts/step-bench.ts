/**
 * The whole training step, old against new, in one process, alternating (the machine is shared
 * and noisy): µs per step as median [min-max] over ROUNDS rounds, and the ratio of medians, at
 * each batch size. "old" is forward.wgsl with main's rule (fused-64 at batch <= 16, four-kernels
 * to 8191, split-k-512 from 8192); "new" is each candidate with the tiled forward. Real MNIST,
 * plain SGD. Usage: npx tsx scripts/step-bench.ts [batch,batch,..]
 */
import { WebGpuBackend } from '../src/backend/webgpu';
import type { StepVariant } from '../src/backend/variants';
import { loadMnist } from '../src/api/load-node';
import { openNodeDevice } from '../src/device/open-node';
import { summarize } from '../src/measure/stats';
import { epochPlan } from '../src/train/plan';
import { timeSteps } from './time-steps';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const batches = (process.argv[2] ?? '1,10,100,1000,60000').split(',').map(Number);
const data = loadMnist();
const { gpu } = await openNodeDevice('auto');
const engines = { old: await WebGpuBackend.create(gpu, data, { tiledForward: false }), new: await WebGpuBackend.create(gpu, data) };
const oldRule = (b: number): StepVariant => (b <= 16 ? 'fused-64' : b >= 8192 ? 'split-k-512' : 'four-kernels');
const newCandidates = (b: number): StepVariant[] => (b <= 16 ? ['fused-64', 'four-kernels'] : b >= 8192 ? ['split-k-512', 'register-blocked'] : ['four-kernels', 'split-k-512', 'register-blocked'].filter((v) => v !== 'split-k-512' || b >= 1024) as StepVariant[]);

for (const batch of batches) {
  const plan = epochPlan(data.trainCount, batch);
  const lr = 0.1 * Math.min(1, batch / 100);
  const steps = Math.max(1, Math.min(plan.length, Math.round(200000 / (batch * 40 + 2000))));
  const configs: Array<{ name: string; engine: WebGpuBackend; variant: StepVariant }> = [
    { name: `old ${oldRule(batch)}`, engine: engines.old, variant: oldRule(batch) },
    ...newCandidates(batch).map((variant) => ({ name: `new ${variant}`, engine: engines.new, variant })),
  ];
  const times: Record<string, number[]> = {};
  for (let round = -1; round < ROUNDS; round++) {
    for (const c of configs) {
      c.engine.setVariantChoice(c.variant);
      const us = await timeSteps(c.engine, data, plan, steps, lr);
      if (round >= 0) (times[c.name] ??= []).push(us);
    }
  }
  const base = summarize(times[configs[0]!.name]!).median;
  for (const c of configs) {
    const s = summarize(times[c.name]!);
    console.log(`batch ${batch} (${steps} steps x ${ROUNDS}): ${c.name.padEnd(22)} ${s.median.toFixed(0).padStart(8)} µs/step [${s.min.toFixed(0)}-${s.max.toFixed(0)}]  old/this ${(base / s.median).toFixed(2)}x`);
  }
}
await engines.old.destroy();
