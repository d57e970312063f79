/**
 * The analysis the report reads off a downhill-bench/1 results file: throughput ratios, the
 * throughput knee, who reached the targets first. Pure functions, tested on synthetic results in
 * test/report/bench-report.test.ts.
 */
import { type BenchResults, type EngineName, MAIN_ENGINE, type RunResult } from '../measure/results';

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
