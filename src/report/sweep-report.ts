/**
 * The results file of npm run bench:sweep (bench/sweep.ts, schema "downhill-sweep-bench/1") and
 * its markdown report, written beside it and rendered into the README (npm run bench:readme).
 */
import type { AdapterReport } from '../device/adapter-info';
import { adapterLabel } from '../device/adapter-info';
import { count, seconds } from '../format';
import type { OptimizerKind } from '../optim/optimizer';

/** One batch size's configurations, trained stacked and then one by one. */
export interface SweepBenchRow {
  batchSize: number;
  configurations: number;
  stackedMs: number;
  oneByOneMs: number;
  speedup: number;
  sameWeights: boolean;
  /** the step variants the one-by-one runs used */
  variants: string[];
}

export interface SweepBench {
  schema: 'downhill-sweep-bench/1';
  createdAt: string;
  adapter: AdapterReport;
  environment: Record<string, unknown>;
  /** training images used (the first ones) */
  examples: number;
  epochs: number;
  lrs: number[];
  optimizers: OptimizerKind[];
  rows: SweepBenchRow[];
}

export function sweepReport(b: SweepBench): string {
  return [
    `# Sweeps stacked against one by one: ${adapterLabel(b.adapter)}, ${b.createdAt.slice(0, 10)}`,
    '',
    `Linear softmax classifier on the first ${count(b.examples)} MNIST training images, ${b.epochs} epoch(s) per configuration, rates ${b.lrs.join(', ')} x optimisers ${b.optimizers.join(', ')} at each batch size; training clocks only (setup and evaluation excluded), one process, one adapter. "One by one" runs each configuration on the single-model backend with its usual step-variant choice. Reproduce with \`npm run bench:sweep\`.`,
    '',
    '## Stacked against one by one',
    '',
    '| batch | configurations | stacked | one by one | speed-up | same weights | one-by-one step variant |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...b.rows.map((r) => `| ${count(r.batchSize)} | ${r.configurations} | ${seconds(r.stackedMs)} | ${seconds(r.oneByOneMs)} | ${r.speedup.toFixed(2)}x | ${r.sameWeights ? 'yes, bit for bit' : 'no (different step variant, different rounding)'} | ${r.variants.join(', ')} |`),
    '',
  ].join('\n');
}
