// probe: where the early training-clock stall of a curve goes (bench/results: batch 10 flat from 9 to 121 ms). node --expose-gc --import tsx scripts/stall-probe.ts BATCH [gc]
import { fit } from '../src/api/fit';
import { loadMnist } from '../src/api/load-node';
import { openEngine } from '../src/api/open-node';
import { logSpacedSteps } from '../src/measure/stats';
const batch = Number(process.argv[2] ?? 10);
const gc = process.argv[3] === 'gc';
const data = loadMnist();
const { engine } = await openEngine(data, { backend: 'webgpu', stepVariant: 'four-kernels' });
const steps = logSpacedSteps(Math.ceil(60000 / batch), 12);
for (let rep = 0; rep < 4; rep++) {
  const r = await fit(engine, data, { batchSize: batch, epochs: 1, lr: 0.1, recordSteps: steps, budgetMs: 600, test: false,
    onProgress: (_p, point) => { if (point && gc) (globalThis as { gc?: () => void }).gc?.(); } });
  const h = r.history;
  console.log(`batch ${batch} gc ${gc} rep ${rep}: ` + h.slice(1, 9).map((p, i) => `${h[i]!.step}→${p.step}: ${((p.trainMs - h[i]!.trainMs) / (p.step - h[i]!.step)).toFixed(2)} ms/step`).join(', '));
}
await engine.destroy();
