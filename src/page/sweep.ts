/**
 * The browser's run of the batch-size comparison: the same measurements as the Node benchmark
 * (src/measure/) on the page's WebGPU device, one batch size after another, producing the
 * same downhill-bench/1 results.
 */
import type { Backend } from '../backend/backend';
import type { TrainingData } from '../data/training-data';
import { measureCurve } from '../measure/curve';
import type { BenchResults, EngineResult, RunResult } from '../measure/results';
import { measureThroughput } from '../measure/throughput';
import { SGD } from '../optim/optimizer';
import { defaultRate } from '../train/default-rate';
import { type BatchSizeOption, resolveBatchSize } from '../train/options';
import type { HistoryPoint } from '../train/trainer';

export interface SweepSettings {
  task: 'classification' | 'regression';
  /** lr null: the data's default for the batch size (src/train/default-rate.ts) */
  runs: Array<{ batchSize: BatchSizeOption; lr: number | null }>;
  budgetMs?: number;
  budgetEpochs?: number;
  seed: number;
}

export interface SweepEvents {
  status(text: string): void;
  /** the partial results, whenever a curve records a point or a measurement ends */
  update(results: BenchResults): void;
}


/** `targets`: the loss and test metric (accuracy, or R² for regression) whose times are read off each curve. */
export async function runSweep(backend: Backend, data: TrainingData, targets: { loss: number; accuracy: number }, settings: SweepSettings, setupMs: number, events: SweepEvents): Promise<BenchResults> {
  const engine: EngineResult = { engine: 'downhill-webgpu', adapter: backend.adapter, examples: data.trainCount, setupMs, runs: [] };
  const runs = settings.runs.map(({ batchSize: option, lr }) => ({ option, lr: lr ?? defaultRate(data, SGD, resolveBatchSize(option, data.trainCount)).lr }));
  const results: BenchResults = {
    schema: 'downhill-bench/1',
    createdAt: new Date().toISOString(),
    config: {
      batchSizes: runs.map((r) => r.option), lrs: runs.map((r) => r.lr), engines: ['downhill-webgpu'],
      budgetMs: settings.budgetMs, budgetEpochs: settings.budgetEpochs, reps: 3,
      targetLoss: targets.loss, targetAccuracy: targets.accuracy, task: data.task, seed: settings.seed, full: false, adapter: 'browser',
    },
    environment: { userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency ?? null, runtime: 'browser' },
    adapter: backend.adapter,
    engines: [engine],
  };
  for (const { option, lr } of runs) {
    const batchSize = resolveBatchSize(option, data.trainCount);
    const run: RunResult = { batchSize, lr };
    engine.runs.push(run);
    events.status(`batch ${batchSize}: measuring throughput…`);
    run.throughput = await measureThroughput(backend, data, batchSize, lr, settings.seed, { warmupMs: 200, repMs: 300, reps: 3, maxMs: 3000 });
    events.update(results);
    events.status(`batch ${batchSize}: training from zero weights…`);
    const budget = { budgetMs: settings.budgetMs, points: 10, maxEpochs: settings.budgetEpochs ?? 1000 };
    run.curve = await measureCurve(
      backend, data, { batchSize, lr, seed: settings.seed }, run.throughput.updatesPerSecond.median, targets, budget,
      (history: readonly HistoryPoint[]) => {
        run.curve = { history: [...history], trainMs: history.at(-1)!.trainMs, evalMs: 0, toTargetLoss: null, toTargetAccuracy: null };
        events.update(results);
      },
    );
    events.update(results);
  }
  return results;
}
