/**
 * The benchmark's results file (schema "downhill-bench/1") and the analysis read from it:
 * throughput ratios, the throughput knee, who reached the targets first. Pure functions, tested
 * on synthetic results in bench/report.test.ts.
 */
import type { AdapterReport } from '../src/device/adapter-info';
import type { BatchSizeOption } from '../src/train/options';
import type { EngineResult, RunResult } from './engine-main';
import type { EngineName } from './engines';

export interface BenchResults {
  schema: 'downhill-bench/1';
  createdAt: string;
  config: {
    batchSizes: BatchSizeOption[];
    lrs: number[];
    engines: EngineName[];
    /** wall-time budget per curve, or undefined when budgetEpochs is set */
    budgetMs?: number;
    budgetEpochs?: number;
    reps: number;
    targetLoss: number;
    targetAccuracy: number;
    seed: number;
    full: boolean;
    adapter: string;
  };
  environment: Record<string, string | number | null>;
  adapter: AdapterReport;
  engines: EngineResult[];
}

export const MAIN_ENGINE: EngineName = 'downhill-webgpu';

export function resultsBaseName(r: BenchResults): string {
  const adapter = [r.adapter.vendor, r.adapter.architecture].filter(Boolean).join('-') || 'adapter';
  return `${adapter.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${r.createdAt.slice(0, 10)}`;
}

export function engineRuns(r: BenchResults, engine: EngineName): RunResult[] {
  return r.engines.find((e) => e.engine === engine)?.runs ?? [];
}

export function medianSamplesPerSecond(run: RunResult | undefined): number | undefined {
  return run?.throughput?.samplesPerSecond.median;
}

/** downhill's median samples/s over the peer's, per batch size (undefined where either failed). */
export function ratio(r: BenchResults, peer: EngineName, batchSize: number): number | undefined {
  const ours = medianSamplesPerSecond(engineRuns(r, MAIN_ENGINE).find((x) => x.batchSize === batchSize));
  const theirs = medianSamplesPerSecond(engineRuns(r, peer).find((x) => x.batchSize === batchSize));
  return ours !== undefined && theirs !== undefined && theirs > 0 ? ours / theirs : undefined;
}

/**
 * The throughput knee: the smallest batch size whose samples/s reaches `fraction` of the best
 * measured, i.e. where making batches larger stops paying.
 */
export function throughputKnee(points: ReadonlyArray<{ batchSize: number; samplesPerSecond: number }>, fraction = 0.8): { batchSize: number; samplesPerSecond: number; best: number } | undefined {
  if (points.length === 0) return undefined;
  const best = Math.max(...points.map((p) => p.samplesPerSecond));
  const knee = [...points].sort((a, b) => a.batchSize - b.batchSize).find((p) => p.samplesPerSecond >= fraction * best)!;
  return { ...knee, best };
}

/** Runs that reached the target training loss, soonest first in training time. */
export function firstToTargetLoss(runs: readonly RunResult[]): RunResult[] {
  return runs.filter((x) => x.curve?.toTargetLoss).sort((a, b) => a.curve!.toTargetLoss!.trainMs - b.curve!.toTargetLoss!.trainMs);
}

export function lowestLoss(run: RunResult): number {
  return Math.min(...(run.curve?.history.map((h) => h.loss) ?? [Infinity]));
}

/** Training loss after `samples` examples, interpolated linearly between recorded points; undefined past the curve. */
export function lossAtSamples(run: RunResult, samples: number): number | undefined {
  const h = run.curve?.history ?? [];
  const i = h.findIndex((p) => p.samples >= samples);
  if (i < 0) return undefined;
  if (i === 0 || h[i]!.samples === samples) return h[i]!.loss;
  const [a, b] = [h[i - 1]!, h[i]!];
  return a.loss + ((b.loss - a.loss) * (samples - a.samples)) / (b.samples - a.samples);
}
