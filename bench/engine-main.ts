/**
 * One engine's share of the benchmark, run in a process of its own by bench/run.ts:
 *   node --import tsx bench/engine-main.ts JOB.json RESULT.json
 * Loads MNIST, opens the engine, measures each batch size, writes the result, tears down.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { WebGpuBackend } from '../src/backend/webgpu';
import { loadSplit } from '../src/data/load-node';
import { classificationData } from '../src/data/training-data';
import { openNodeDevice } from '../src/device/open-node';
import { measureCurve } from '../src/measure/curve';
import { benchKernels } from '../src/measure/kernels';
import type { EngineJob, EngineResult, RunResult } from '../src/measure/results';
import { measureThroughput } from '../src/measure/throughput';
import { resolveBatchSize } from '../src/train/options';
import { openEngine } from './peers/engines';

const say = (line: string) => process.stderr.write(`  ${line}\n`);

async function main(): Promise<void> {
  const [jobPath, outPath] = process.argv.slice(2);
  const job = JSON.parse(readFileSync(jobPath!, 'utf8')) as EngineJob;
  if (job.kernelsOnly) {
    const { gpu } = await openNodeDevice(job.adapter);
    try {
      writeFileSync(outPath!, JSON.stringify(await benchKernels(gpu, say, job.kernelRows)));
    } finally {
      await gpu.destroy();
    }
    return;
  }
  const t0 = performance.now();
  const train = loadSplit(job.dataDir, 'train');
  const test = loadSplit(job.dataDir, 'test');
  const data = classificationData(train, test, { kind: 'mnist', dir: job.dataDir }, `MNIST from ${job.dataDir}`);
  const backend = await openEngine(job.engine, job.adapter, data);
  const result: EngineResult = { engine: job.engine, adapter: backend.adapter, examples: train.count, setupMs: performance.now() - t0, runs: [] };
  try {
    for (const { batchSize: option, lr } of job.runs) {
      const batchSize = resolveBatchSize(option, train.count);
      const run: RunResult = { batchSize, lr };
      try {
        const countWork = backend instanceof WebGpuBackend ? () => backend.countWork() : undefined;
        run.throughput = await measureThroughput(backend, data, batchSize, lr, job.seed, job.throughput, countWork);
        say(`${job.engine} batch ${batchSize}: ${Math.round(run.throughput.samplesPerSecond.median).toLocaleString('en-US')} samples/s (median of ${run.throughput.samplesPerSecond.n})`);
        if (job.curve) {
          const { targetLoss, targetAccuracy, ...options } = job.curve;
          run.curve = await measureCurve(backend, data, { batchSize, lr, seed: job.seed }, run.throughput.updatesPerSecond.median, { loss: targetLoss, accuracy: targetAccuracy }, options);
          const last = run.curve.history.at(-1)!;
          say(`${job.engine} batch ${batchSize}: loss ${last.loss.toFixed(4)}, test accuracy ${((last.testAccuracy ?? 0) * 100).toFixed(2)}% after ${(run.curve.trainMs / 1000).toFixed(1)} s of training`);
        }
      } catch (e) {
        run.error = (e as Error).message.split('\n')[0]!;
        say(`${job.engine} batch ${batchSize}: failed: ${run.error}`);
      }
      result.runs.push(run);
    }
  } finally {
    const memory = (backend as { memory?: { peakBytes: number } }).memory;
    if (memory) result.peakGpuBytes = memory.peakBytes;
    await backend.destroy();
  }
  writeFileSync(outPath!, JSON.stringify(result));
}

await main();
