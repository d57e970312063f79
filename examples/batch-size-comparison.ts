/**
 * d2l.ai's "Minibatch Stochastic Gradient Descent" (section 12.5), its comparison of batch sizes
 * for linear regression, on downhill's WebGPU engine: full-batch GD, SGD, and mini-batches of 100
 * and 10 at d2l's rates and epochs, the training loss recorded every 200 examples (as d2l does),
 * evaluation off the clock. Prints each method's time per epoch and final loss beside d2l's
 * printed PyTorch numbers, checks d2l's four conclusions against ours with numbers, and writes a
 * plot of loss against training time (log x axis) and the numbers as JSON.
 *
 *   npx tsx examples/batch-size-comparison.ts OUT_DIR      (bash examples/batch-size-comparison.sh)
 *
 * The data: d2l uses NASA's airfoil self-noise data, 1500 rows of 5 standardised features; here
 * a seeded synthetic stand-in of the same shape, y = X·θ + 1 + 0.7·ε. With noise σ = 0.7 the best
 * possible half mean squared error is σ²/2 = 0.245, the order of d2l's final losses (0.245 to
 * 0.247), so the final losses read on the same scale. Its features are independent, so their
 * covariance is nearly the identity and GD at lr 1 is nearly Newton's step: within 2.5% of the
 * optimum after one update, at it after three; on airfoil's correlated columns GD needs more.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Engine, type HistoryPoint, fit, openEngine, syntheticData } from '../src/index';
import { firstReached } from '../src/measure/curve';
import { lineChart } from '../src/report/svg';

const DATA = { rows: 1500, features: 5, noise: 0.7, seed: 1 } as const;
/** d2l records the training loss every 200 examples. */
const RECORD_EVERY_EXAMPLES = 200;
/** The loss target of the per-second conclusions: within 2% of the best final loss. */
const TARGET_MARGIN = 0.02;

interface Method {
  name: string;
  batchSize: number;
  lr: number;
  epochs: number;
  /** what d2l printed for it (PyTorch, on d2l's machine) */
  d2l: { loss: number; secondsPerEpoch: number };
}

const METHODS: Method[] = [
  { name: 'gd', batchSize: 1500, lr: 1, epochs: 10, d2l: { loss: 0.247, secondsPerEpoch: 0.02 } },
  { name: 'sgd', batchSize: 1, lr: 0.005, epochs: 2, d2l: { loss: 0.245, secondsPerEpoch: 0.685 } },
  { name: 'batch 100', batchSize: 100, lr: 0.4, epochs: 2, d2l: { loss: 0.246, secondsPerEpoch: 0.025 } },
  { name: 'batch 10', batchSize: 10, lr: 0.05, epochs: 2, d2l: { loss: 0.246, secondsPerEpoch: 0.09 } },
];

interface Measured {
  method: Method;
  history: HistoryPoint[];
  finalLoss: number;
  epochMs: number;
}

/** A time in seconds to 3 significant digits (runs here take milliseconds). */
const secondsOf = (ms: number) => `${(ms / 1000).toPrecision(3)} s`;
const lossOf = (v: number) => v.toFixed(4);

/** One untimed epoch first, so that compiling each batch size's pipelines stays off the measured clock. */
async function warmUp(engine: Engine, data: ReturnType<typeof syntheticData>, m: Method): Promise<void> {
  await fit(engine, data, { batchSize: m.batchSize, lr: m.lr, epochs: 1, seed: DATA.seed, recordEvery: Number.MAX_SAFE_INTEGER, test: false });
}

async function measure(engine: Engine, data: ReturnType<typeof syntheticData>, m: Method): Promise<Measured> {
  await warmUp(engine, data, m);
  const recordEvery = Math.max(1, Math.round(RECORD_EVERY_EXAMPLES / m.batchSize));
  // fit starts from zero weights each time; its history's trainMs excludes the recordings' evaluations
  const r = await fit(engine, data, { batchSize: m.batchSize, lr: m.lr, epochs: m.epochs, seed: DATA.seed, recordEvery, test: false });
  return { method: m, history: r.history, finalLoss: r.history.at(-1)!.loss, epochMs: r.trainMs / m.epochs };
}

function resultsTable(results: Measured[]): string[] {
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(i < 4 ? 6 : 12))).join(' ').trimEnd();
  return [
    row(['method', 'batch', 'lr', 'epochs', 'final loss', 'per epoch', "d2l's loss", 'per epoch']),
    ...results.map(({ method: m, finalLoss, epochMs }) => row([m.name, String(m.batchSize), String(m.lr), String(m.epochs), lossOf(finalLoss), secondsOf(epochMs), m.d2l.loss.toFixed(3), `${m.d2l.secondsPerEpoch.toFixed(3)} s`])),
    "(loss: half mean squared error on the 1500 training rows; d2l's columns are its printed PyTorch numbers, from its own machine)",
  ];
}

/** The loss after the first `examples` examples: the last recording at or before them (GD has made no update before 1500). */
function lossAfterExamples(history: readonly HistoryPoint[], examples: number): number {
  return history.filter((p) => p.samples <= examples).at(-1)!.loss;
}

const verdict = (holds: boolean) => (holds ? 'holds' : 'does not hold');

function conclusions(results: Measured[]): { lines: string[]; holds: Record<string, boolean> } {
  const by = (name: string) => results.find((r) => r.method.name === name)!;
  const best = Math.min(...results.map((r) => r.finalLoss));
  const target = best * (1 + TARGET_MARGIN);
  // first crossing of the target, interpolated between the recorded points around it; never: Infinity
  const timeTo = (r: Measured) => firstReached(r.history, (p) => p.loss, target, true)?.trainMs ?? Infinity;
  const shownTime = (r: Measured) => (Number.isFinite(timeTo(r)) ? secondsOf(timeTo(r)) : 'not reached');
  const times = results.map((r) => `${r.method.name} ${shownTime(r)}`).join(', ');
  const early = results.map((r) => `${r.method.name} ${lossOf(lossAfterExamples(r.history, RECORD_EVERY_EXAMPLES))}`).join(', ');
  const sgd = by('sgd');
  const holds = {
    a: results.every((r) => r === sgd || lossAfterExamples(sgd.history, RECORD_EVERY_EXAMPLES) < lossAfterExamples(r.history, RECORD_EVERY_EXAMPLES)),
    b: results.every((r) => r === sgd || timeTo(sgd) > timeTo(r)),
    c: timeTo(by('batch 10')) < timeTo(sgd),
    d: timeTo(by('batch 100')) < timeTo(by('gd')),
  };
  return {
    holds,
    lines: [
      `d2l's conclusions, checked: "per example": the training loss after the first ${RECORD_EVERY_EXAMPLES} examples (d2l's recording interval; gd has made no update yet);`,
      `"per second" and "in runtime": training time until the loss is within ${TARGET_MARGIN * 100}% of the best final loss (${lossOf(best)} x ${1 + TARGET_MARGIN} = ${lossOf(target)}), read off the recorded points`,
      `(a) per example, SGD makes the most progress: ${verdict(holds.a)} (loss after ${RECORD_EVERY_EXAMPLES} examples: ${early})`,
      `(b) per second, SGD is the slowest: ${verdict(holds.b)} (time to ${lossOf(target)}: ${times})`,
      `(c) batch 10 is more efficient than SGD: ${verdict(holds.c)} (time to ${lossOf(target)}: batch 10 ${shownTime(by('batch 10'))}, sgd ${shownTime(sgd)})`,
      `(d) batch 100 outperforms GD in runtime: ${verdict(holds.d)} (time to ${lossOf(target)}: batch 100 ${shownTime(by('batch 100'))}, gd ${shownTime(by('gd'))})`,
    ],
  };
}

function lossAgainstTime(results: Measured[]): string {
  return lineChart({
    title: 'Linear regression, 1500 examples: loss against training time',
    xLabel: 'training time (s), evaluation excluded', yLabel: 'training loss (half mse)', xLog: true, yLog: true,
    // the start (time 0) cannot sit on a log axis: each curve begins at its first recording after it
    series: results.map((r) => ({ name: r.method.name, points: r.history.map((p) => [p.trainMs / 1000, p.loss] as const) })),
  });
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: npx tsx examples/batch-size-comparison.ts OUT_DIR');
  const data = syntheticData(DATA.rows, DATA.features, DATA.noise, DATA.seed, { testFraction: 0 });
  const { engine, line } = await openEngine(data);
  let results: Measured[];
  try {
    console.log(line);
    console.log(`data: ${data.source}`);
    results = [];
    for (const m of METHODS) results.push(await measure(engine, data, m));
  } finally {
    await engine.destroy();
  }
  console.log(resultsTable(results).join('\n'));
  const checked = conclusions(results);
  console.log(checked.lines.join('\n'));
  writeFileSync(join(out, 'batch-size-comparison.svg'), lossAgainstTime(results));
  const json = { data: DATA, methods: results.map((r) => ({ ...r.method, finalLoss: r.finalLoss, epochMs: r.epochMs, history: r.history })), conclusions: checked.holds };
  writeFileSync(join(out, 'batch-size-comparison.json'), `${JSON.stringify(json, null, 2)}\n`);
  // the files' place changes from run to run: on stderr
  console.error(`wrote ${join(out, 'batch-size-comparison.svg')} and .json`);
}

await main();
