/**
 * One engine's share of the benchmark, run in a process of its own by bench/run.ts:
 *   node --import tsx bench/engine-main.ts JOB.json RESULT.json
 * Loads MNIST, opens the engine, measures each batch size, writes the result, tears down.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AdapterReport } from '../src/device/adapter-info';
import { loadSplit } from '../src/data/load-node';
import { resolveBatchSize } from '../src/train/options';
import { type EngineName, openEngine } from './engines';
import { type KernelBench, benchKernels } from './kernel-bench';
import { type Curve, type CurveOptions, type Throughput, type ThroughputOptions, measureCurve, measureThroughput } from './measure';

export interface EngineJob {
  engine: EngineName;
  adapter: 'auto' | 'hardware' | 'swiftshader';
  dataDir: string;
  runs: Array<{ batchSize: number | 'full'; lr: number }>;
  seed: number;
  throughput: ThroughputOptions;
  /** convergence curves too (downhill on WebGPU, in the default run) */
  curve?: CurveOptions & { targetLoss: number; targetAccuracy: number };
  /** instead of training: the kernel microbenchmarks, in a process of their own (timings taken
   *  after an engine's run in the same process came out about 1.5x slower on SwiftShader) */
  kernelsOnly?: boolean;
}

export interface RunResult {
  batchSize: number;
  lr: number;
  throughput?: Throughput;
  curve?: Curve;
  error?: string;
}

export interface EngineResult {
  engine: EngineName;
  adapter: AdapterReport;
  /** training examples (N); absent in results written before it was recorded */
  examples?: number;
  /** peak bytes in the engine's GPU buffers, where it reports them */
  peakGpuBytes?: number;
  setupMs: number;
  runs: RunResult[];
  kernels?: KernelBench;
}

const say = (line: string) => process.stderr.write(`  ${line}\n`);

async function main(): Promise<void> {
  const [jobPath, outPath] = process.argv.slice(2);
  const job = JSON.parse(readFileSync(jobPath!, 'utf8')) as EngineJob;
  if (job.kernelsOnly) {
    writeFileSync(outPath!, JSON.stringify(await benchKernels(job.adapter)));
    return;
  }
  const t0 = performance.now();
  const train = loadSplit(job.dataDir, 'train');
  const test = loadSplit(job.dataDir, 'test');
  const backend = await openEngine(job.engine, job.adapter, { train, test });
  const result: EngineResult = { engine: job.engine, adapter: backend.adapter, examples: train.count, setupMs: performance.now() - t0, runs: [] };
  try {
    for (const { batchSize: option, lr } of job.runs) {
      const batchSize = resolveBatchSize(option, train.count);
      const run: RunResult = { batchSize, lr };
      try {
        run.throughput = await measureThroughput(backend, train.count, train.features, batchSize, lr, job.seed, job.throughput);
        say(`${job.engine} batch ${batchSize}: ${Math.round(run.throughput.samplesPerSecond.median).toLocaleString('en-US')} samples/s (median of ${run.throughput.samplesPerSecond.n})`);
        if (job.curve) {
          const { targetLoss, targetAccuracy, ...options } = job.curve;
          run.curve = await measureCurve(backend, train.count, train.features, batchSize, lr, job.seed, run.throughput.updatesPerSecond.median, { loss: targetLoss, accuracy: targetAccuracy }, options);
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
