/**
 * The plots and the markdown report of a comparison of training methods (src/measure/methods.ts):
 * bench/optimizers.ts (optimisers and schedules at one batch size) and bench/regression.ts
 * (linear regression's batch sizes).
 */
import { count, percent, seconds } from '../format';
import type { Curve } from '../measure/curve';
import type { MethodResult, MethodsBench } from '../measure/methods';
import { describeOptimizer } from '../optim/optimizer';
import { describeSchedule } from '../optim/schedule';
import type { Chart } from './svg';

export function methodCharts(b: MethodsBench): { lossVsTime: Chart; lossVsSamples: Chart } {
  const series = (x: (h: Curve['history'][number]) => number) => b.results.map((r) => ({ name: r.method.name, points: r.curve.history.map((h) => [x(h), h.loss] as const) }));
  return {
    lossVsTime: { title: `${b.title}: loss against training time`, xLabel: 'training time, s (evaluation excluded)', yLabel: 'loss on the whole training set', xLog: true, series: series((h) => h.trainMs / 1000) },
    lossVsSamples: { title: `${b.title}: loss against examples seen`, xLabel: 'examples seen', yLabel: 'loss on the whole training set', xLog: true, series: series((h) => h.samples) },
  };
}

/** The heading, the problem and the command of bench:optimizers' comparison at `batchSize`. */
export function optimizersBenchText(batchSize: number): Pick<MethodsBench, 'title' | 'problem' | 'command'> {
  return { title: `Optimisers and schedules at batch ${batchSize}`, problem: 'Linear softmax classifier on MNIST', command: `npm run bench:optimizers -- --batch-size ${batchSize}` };
}

/**
 * A results file of bench:optimizers before it wrote downhill-methods/1 (schema
 * "downhill-optimizers/1"): one batch size for every method, the targets without their metric
 * (accuracy), no heading, problem or command (those bench:optimizers writes for its batch size).
 */
export interface OptimizersBench extends Omit<MethodsBench, 'schema' | 'title' | 'problem' | 'command' | 'targets' | 'results'> {
  schema: 'downhill-optimizers/1';
  batchSize: number;
  targets: { loss: number; accuracy: number };
  results: Array<Omit<MethodResult, 'method'> & { method: Omit<MethodResult['method'], 'batchSize'> }>;
}

/** A downhill-optimizers/1 file as the downhill-methods/1 file bench:optimizers now writes for the same run. */
export function methodsOfOptimizers(b: OptimizersBench): MethodsBench {
  const { batchSize, targets, results, ...rest } = b;
  return {
    ...rest, ...optimizersBenchText(batchSize), schema: 'downhill-methods/1', targets: { ...targets, metric: 'accuracy' },
    results: results.map((r) => ({ ...r, method: { ...r.method, batchSize } })),
  };
}

export function methodsReport(b: MethodsBench, base: string): string {
  const reach = (x: Curve['toTargetLoss']) => (x ? `${seconds(x.trainMs)} (${count(x.samples)} examples)` : 'not reached');
  const out = [
    `# ${b.title}: ${b.adapterLabel}, ${b.createdAt.slice(0, 10)}`,
    '',
    `${b.problem} (${count(b.trainExamples)} training examples), zero initial weights, shuffle seed ${b.seed}, ${seconds(b.budgetMs)} of training per method on downhill's WebGPU backend; the loss and accuracy recordings are off the training clock. Samples/s is over each whole curve. Reproduce with \`${b.command}\`.`,
    '',
    '## Every method',
    '',
    `| method | batch | optimizer | schedule | lr | samples/s | time to loss ≤ ${b.targets.loss} | time to test ${b.targets.metric} ≥ ${b.targets.accuracy} | final loss | final test ${b.targets.metric} |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of b.results) {
    const last = r.curve.history.at(-1)!;
    out.push(`| ${r.method.name} | ${count(r.method.batchSize)} | ${describeOptimizer(r.method.optimizer)} | ${describeSchedule(r.method.schedule)} | ${r.method.lr} | ${count(r.samplesPerSecond)} | ${reach(r.curve.toTargetLoss)} | ${reach(r.curve.toTargetAccuracy)} | ${last.loss.toFixed(4)} | ${last.testAccuracy === undefined ? '' : b.targets.metric === 'accuracy' ? percent(last.testAccuracy) : last.testAccuracy.toFixed(4)} |`);
  }
  const firsts = b.results.filter((r) => r.curve.toTargetLoss).sort((x, y) => x.curve.toTargetLoss!.trainMs - y.curve.toTargetLoss!.trainMs);
  const lowest = b.results.slice().sort((x, y) => x.curve.history.at(-1)!.loss - y.curve.history.at(-1)!.loss)[0];
  out.push('');
  if (firsts.length > 0) out.push(`- First to loss ${b.targets.loss}: ${firsts.map((r) => `${r.method.name} (${seconds(r.curve.toTargetLoss!.trainMs)})`).join(', ')}.`);
  if (lowest) out.push(`- Lowest loss after ${seconds(b.budgetMs)}: ${lowest.method.name} (${lowest.curve.history.at(-1)!.loss.toFixed(4)}).`);
  const speeds = b.results.map((r) => r.samplesPerSecond);
  out.push(`- Samples/s range from ${count(Math.min(...speeds))} (${b.results[speeds.indexOf(Math.min(...speeds))]!.method.name}) to ${count(Math.max(...speeds))} (${b.results[speeds.indexOf(Math.max(...speeds))]!.method.name}).`);
  out.push('', '## Plots', '', `![loss against time](${base}-loss-vs-time.svg)`, '', `![loss against examples](${base}-loss-vs-samples.svg)`, '');
  return out.join('\n');
}
