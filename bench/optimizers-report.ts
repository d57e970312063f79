/** The optimiser comparison's results (bench/optimizers.ts): their shape, plots and markdown. */
import type { AdapterReport } from '../src/device/adapter-info';
import { count, percent, seconds } from '../src/format';
import { type Optimizer, describeOptimizer } from '../src/optim/optimizer';
import { type Schedule, describeSchedule } from '../src/optim/schedule';
import type { Curve } from './measure';
import type { Chart } from './svg';

export interface MethodResult {
  method: { name: string; lr: number; optimizer: Optimizer; schedule: Schedule };
  /** how the steps ran */
  variant: string | undefined;
  /** over the curve's training time */
  samplesPerSecond: number;
  curve: Curve;
}

export interface OptimizerBench {
  schema: 'downhill-optimizers/1';
  createdAt: string;
  adapter: AdapterReport;
  adapterLabel: string;
  environment: Record<string, unknown>;
  batchSize: number;
  budgetMs: number;
  seed: number;
  targets: { loss: number; accuracy: number };
  trainExamples: number;
  results: MethodResult[];
}

export function optimizerCharts(b: OptimizerBench): { lossVsTime: Chart; lossVsSamples: Chart } {
  const series = (x: (h: Curve['history'][number]) => number) => b.results.map((r) => ({ name: r.method.name, points: r.curve.history.map((h) => [x(h), h.loss] as const) }));
  return {
    lossVsTime: { title: `Optimisers at batch ${b.batchSize}: loss against training time`, xLabel: 'training time, s (evaluation excluded)', yLabel: 'loss on the whole training set', xLog: true, series: series((h) => h.trainMs / 1000) },
    lossVsSamples: { title: `Optimisers at batch ${b.batchSize}: loss against examples seen`, xLabel: 'examples seen', yLabel: 'loss on the whole training set', xLog: true, series: series((h) => h.samples) },
  };
}

export function optimizerReport(b: OptimizerBench, base: string): string {
  const reach = (x: Curve['toTargetLoss']) => (x ? `${seconds(x.trainMs)} (${count(x.samples)} examples)` : 'not reached');
  const out = [
    `# Optimisers and schedules at batch ${b.batchSize}: ${b.adapterLabel}, ${b.createdAt.slice(0, 10)}`,
    '',
    `Linear softmax classifier on MNIST (${count(b.trainExamples)} training images), zero initial weights, shuffle seed ${b.seed}, ${seconds(b.budgetMs)} of training per method on downhill's WebGPU backend; the loss and accuracy recordings are off the training clock. Samples/s is over each whole curve. Reproduce with \`npm run bench:optimizers -- --batch-size ${b.batchSize}\`.`,
    '',
    `| method | optimizer | schedule | lr | samples/s | time to loss ≤ ${b.targets.loss} | time to test acc ≥ ${percent(b.targets.accuracy)} | final loss | final test acc |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of b.results) {
    const last = r.curve.history.at(-1)!;
    out.push(`| ${r.method.name} | ${describeOptimizer(r.method.optimizer)} | ${describeSchedule(r.method.schedule)} | ${r.method.lr} | ${count(r.samplesPerSecond)} | ${reach(r.curve.toTargetLoss)} | ${reach(r.curve.toTargetAccuracy)} | ${last.loss.toFixed(4)} | ${last.testAccuracy === undefined ? '' : percent(last.testAccuracy)} |`);
  }
  const firsts = b.results.filter((r) => r.curve.toTargetLoss).sort((x, y) => x.curve.toTargetLoss!.trainMs - y.curve.toTargetLoss!.trainMs);
  const lowest = b.results.slice().sort((x, y) => x.curve.history.at(-1)!.loss - y.curve.history.at(-1)!.loss)[0];
  out.push('');
  if (firsts.length > 0) out.push(`- First to loss ${b.targets.loss}: ${firsts.map((r) => `${r.method.name} (${seconds(r.curve.toTargetLoss!.trainMs)})`).join(', ')}.`);
  if (lowest) out.push(`- Lowest loss after ${seconds(b.budgetMs)}: ${lowest.method.name} (${lowest.curve.history.at(-1)!.loss.toFixed(4)}).`);
  const speeds = b.results.map((r) => r.samplesPerSecond);
  out.push(`- Samples/s range from ${count(Math.min(...speeds))} to ${count(Math.max(...speeds))}: an update kernel costs little beside the forward and gradient kernels, so the methods differ in progress per update, not in speed.`);
  out.push('', `![loss against time](${base}-loss-vs-time.svg)`, '', `![loss against examples](${base}-loss-vs-samples.svg)`, '');
  return out.join('\n');
}
