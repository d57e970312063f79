/**
 * The harness behind bench/optimizers.ts and bench/regression.ts: trains each method on one
 * backend for the same time (after a short probe that sizes its log-spaced recordings), then
 * writes the JSON, the markdown report and two plots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../src/backend/backend';
import { writeFileAtomic } from '../src/io/files';
import { measureCurve } from './measure';
import { type MethodResult, type MethodsBench, methodCharts, methodsReport } from './methods-report';
import { lineChart } from './svg';

export async function runMethods(
  backend: Backend, examples: number, initial: () => Float32Array, methods: readonly MethodResult['method'][], seed: number, budgetMs: number,
  targets: { loss: number; accuracy: number },
): Promise<MethodResult[]> {
  const results: MethodResult[] = [];
  for (const method of methods) {
    const curve = (expected: number, o: { budgetMs: number; points: number; maxEpochs: number }) =>
      measureCurve(backend, examples, 0, method.batchSize, method.lr, seed, expected, targets, o, () => {}, method, initial());
    const probe = await curve(1, { budgetMs: 300, points: 2, maxEpochs: 1 });
    const updatesPerSecond = probe.history.at(-1)!.step / (probe.trainMs / 1000);
    const c = await curve(updatesPerSecond, { budgetMs, points: 24, maxEpochs: 1000 });
    const last = c.history.at(-1)!;
    results.push({ method, variant: backend.variant, samplesPerSecond: last.samples / (c.trainMs / 1000), curve: c });
    console.error(`  ${method.name}: loss ${last.loss.toPrecision(4)}, test metric ${(last.testAccuracy ?? 0).toFixed(4)} after ${(c.trainMs / 1000).toFixed(1)} s`);
  }
  return results;
}

/** Writes <out>/<adapter>-<date>-<suffix>.{json,md} and its two plots; returns the base path. */
export function writeMethods(bench: MethodsBench, outDir: string, suffix: string): string {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${bench.adapter.vendor}-${bench.adapter.architecture}-${bench.createdAt.slice(0, 10)}-${suffix}`.replace(/[^\w.-]+/g, '-'));
  const charts = methodCharts(bench);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}-loss-vs-time.svg`, lineChart(charts.lossVsTime), '--out');
  writeFileAtomic(`${base}-loss-vs-samples.svg`, lineChart(charts.lossVsSamples), '--out');
  writeFileAtomic(`${base}.md`, methodsReport(bench, base.split('/').at(-1)!), '--out');
  return base;
}
