/**
 * The summary of examples/mnist-tutorial.sh: each run's test accuracy and times, from the train
 * command's --json runs, beside PyTorch's measured reference.
 *
 *   npx tsx examples/mnist-tutorial.ts LABEL=RUN.json=WALL_MS ...
 */
import { readFileSync } from 'node:fs';
import { count, percent, seconds } from '../src/format';
import type { RunReport } from '../src/io/run-report';

interface Run {
  label: string;
  report: RunReport;
  /** the whole command: loading MNIST, opening the device, training, every evaluation */
  wallMs: number;
}

function parseRun(arg: string): Run {
  const m = /^(.+)=(.+\.json)=(\d+(?:\.\d+)?)$/.exec(arg);
  if (!m) throw new Error(`expected LABEL=RUN.json=WALL_MS, got '${arg}'`);
  return { label: m[1]!, report: JSON.parse(readFileSync(m[2]!, 'utf8')) as RunReport, wallMs: Number(m[3]) };
}

function describeRun(r: Run): string[] {
  const c = r.report.config;
  const test = r.report.final?.test;
  const t = r.report.timings;
  if (typeof test?.accuracy !== 'number' || !t) throw new Error(`${r.label}: the run did not finish with a test evaluation`);
  return [
    `${r.label}: batch ${c.batchSize}, lr ${c.lr}, ${c.epochs} epochs (${count(t.steps)} updates)`,
    `  test accuracy ${percent(test.accuracy)}`,
    // training time excludes the evaluations of the loss (fit's clock); the whole command includes them and the start-up
    `  time: training ${seconds(t.trainMs)} (${count(t.samplesPerSecond)} samples/s), whole command ${seconds(r.wallMs)}`,
  ];
}

const runs = process.argv.slice(2).map(parseRun);
console.log(runs.flatMap(describeRun).join('\n'));
console.log('reference, measured once and not run now: PyTorch 1.13 on this 2-core CPU, the tutorial setup, 91.65% in 11.1 s of training (2026-11-23)');
