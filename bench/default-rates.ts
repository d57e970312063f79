/**
 * npm run bench:defaults -- [options]: does the data-derived default learning rate hold beyond
 * MNIST? Datasets built in memory from MNIST (inverted 255 − x, brightness x2 clipped at 255,
 * pixels shuffled by a fixed permutation, a 6,000-image subset, and MNIST itself), each trained
 * at batch 100 with the new default (src/train/default-rate.ts), the old default (0.5) and a
 * small grid whose best test accuracy is the baseline. The rates of a dataset are stacked on one
 * engine (src/train/sweep.ts: the same shuffles as separate runs). Writes a markdown table and
 * the raw numbers to bench/results/<adapter>-<date>-default-rates.{md,json}.
 */
import { createEngine } from '../src/api/engine';
import { BENCH_OPTIONS, cliNaming, listOption, parseAdapterChoice, parseBatchSize, parseCommandLine, parseLearningRate, parseWholeNumber } from '../src/command/args';
import { resolveBatchSize } from '../src/train/options';
import { runCommand } from '../src/command/run';
import type { Dataset } from '../src/data/dataset';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { type InputMoments, inputMoments } from '../src/data/moments';
import { type ClassificationData, classificationData } from '../src/data/training-data';
import { adapterLabel } from '../src/device/adapter-info';
import { openNodeDevice } from '../src/device/open-node';
import { check } from '../src/errors';
import { nodeEnvironment } from '../src/io/environment';
import { writeFileAtomic } from '../src/io/files';
import { checkOutputFolder } from '../src/io/outputs';
import { unusedBase } from '../src/report/write';
import { SGD } from '../src/optim/optimizer';
import { Rng, permutation } from '../src/rng';
import { defaultRate, safeRate } from '../src/train/default-rate';
import { lossRises, uninformedLoss } from '../src/train/rises';
import { CLASSES } from '../src/model';
import { type SweepRun, trainSweep } from '../src/train/sweep';

const HELP = `usage: npm run bench:defaults -- [options]

  --epochs E       epochs per run. Default 5 (as npm run train)
  --batch-size B   Default 100
  --grid LIST      the baseline's rates. Default 0.03,0.1,0.3,1
  --only LIST      datasets to run (mnist, inverted, brighter, permuted, subset). Default all
  --out DIR        where results go, checked first; -2, -3, ... rather than overwrite. Default bench/results
  --data DIR, --adapter A   as for train`;

const OLD_DEFAULT = 0.5;
const SUBSET = 6000;
const PERMUTATION_SEED = 13;

interface Variant {
  name: string;
  what: string;
  /** the images' bytes, transformed (train and test alike) */
  pixels?: (images: Uint8Array, features: number) => Uint8Array;
  /** training images kept (the first ones) */
  trainCount?: number;
}

function pixelPermutation(features: number): Uint32Array {
  return permutation(features, new Rng(PERMUTATION_SEED));
}

const VARIANTS: Variant[] = [
  { name: 'mnist', what: 'MNIST as it is' },
  { name: 'inverted', what: '255 − x', pixels: (images) => images.map((b) => 255 - b) },
  { name: 'brighter', what: 'min(255, 2x)', pixels: (images) => images.map((b) => Math.min(255, 2 * b)) },
  {
    name: 'permuted', what: `pixels shuffled by one fixed permutation (seed ${PERMUTATION_SEED})`,
    pixels: (images, features) => {
      const order = pixelPermutation(features);
      const out = new Uint8Array(images.length);
      for (let r = 0; r < images.length; r += features) for (let j = 0; j < features; j++) out[r + j] = images[r + order[j]!]!;
      return out;
    },
  },
  { name: 'subset', what: `the first ${SUBSET.toLocaleString('en-US')} training images`, trainCount: SUBSET },
];

function transformed(set: Dataset, v: Variant, count = set.count): Dataset {
  const images = set.images.subarray(0, count * set.features);
  return { images: v.pixels ? v.pixels(images, set.features) : images, labels: set.labels.subarray(0, count), count, features: set.features };
}

interface Outcome {
  lr: number;
  testAccuracy: number;
  finalLoss: number;
  /** epochs whose loss ended above the one a whole epoch before */
  rises: number[];
  diverged: boolean;
}

interface Row {
  dataset: string;
  what: string;
  trainCount: number;
  moments: InputMoments;
  reason: string;
  safe: number;
  newDefault: Outcome;
  oldDefault: Outcome;
  grid: Outcome[];
  baseline: Outcome;
}

function outcome(run: SweepRun): Outcome {
  const last = run.history.at(-1)!;
  return { lr: run.lr, testAccuracy: last.testAccuracy ?? NaN, finalLoss: last.loss, rises: lossRises(run.history, uninformedLoss('classification', CLASSES, run.history)).map((r) => r.epoch), diverged: run.diverged };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...BENCH_OPTIONS, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, grid: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const epochs = parseWholeNumber('--epochs', str('epochs') ?? '5', 1);
  const batchSizeOption = parseBatchSize(str('batch-size') ?? '100');
  const grid = listOption('--grid', str('grid'), [0.03, 0.1, 0.3, 1], (s) => parseLearningRate(s, '--grid'));
  const only = listOption('--only', str('only'), VARIANTS.map((v) => v.name), (name) => {
    check(VARIANTS.some((v) => v.name === name), `unknown dataset '${name}' (one of ${VARIANTS.map((v) => v.name).join(', ')})`);
    return name;
  });
  const adapterChoice = parseAdapterChoice(str('adapter'));
  const outDir = str('out') ?? 'bench/results';
  checkOutputFolder('--out', outDir);
  const dir = str('data') ?? defaultMnistDir();
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 'test');
  const batchSize = resolveBatchSize(batchSizeOption, train.count, cliNaming(() => str('batch-size')));
  const rows: Row[] = [];
  let adapter;
  for (const v of VARIANTS.filter((x) => only.includes(x.name))) {
    const data: ClassificationData = classificationData(transformed(train, v, v.trainCount), transformed(test, v), { kind: 'arrays' }, `MNIST, ${v.what}`);
    const t0 = performance.now();
    const moments = inputMoments(data);
    const momentsMs = performance.now() - t0;
    const chosen = defaultRate(data, SGD, batchSize);
    const lrs = [...new Set([chosen.lr, OLD_DEFAULT, ...grid])];
    const engine = await createEngine(data, (await openNodeDevice(adapterChoice)).gpu, { models: lrs.length });
    adapter = engine.adapter;
    const sweep = await trainSweep(engine, data, { batchSizes: [batchSize], lrs, optimizers: ['sgd'], epochs, seed: 1 }).finally(() => engine.destroy());
    const byRate = (lr: number) => outcome(sweep.runs.find((r) => r.lr === lr)!);
    const gridOutcomes = grid.map(byRate);
    const baseline = gridOutcomes.filter((o) => !o.diverged).sort((a, b) => b.testAccuracy - a.testAccuracy)[0] ?? gridOutcomes[0]!;
    const row: Row = { dataset: v.name, what: v.what, trainCount: data.trainCount, moments, reason: chosen.reason, safe: safeRate(data, SGD, batchSize)!, newDefault: byRate(chosen.lr), oldDefault: byRate(OLD_DEFAULT), grid: gridOutcomes, baseline };
    rows.push(row);
    console.error(`${v.name}: moments in ${momentsMs.toFixed(0)} ms; ${chosen.reason}`);
    console.error(`  ${lrs.map((lr) => `lr ${lr}: ${describe(byRate(lr))}`).join('\n  ')}  (${(sweep.trainMs / 1000).toFixed(1)} s training)`);
  }
  const createdAt = new Date().toISOString();
  const md = report(rows, { epochs, batchSize, grid, createdAt, label: adapter ? adapterLabel(adapter) : 'no adapter' });
  const base = unusedBase(outDir, `${adapter!.vendor}-${adapter!.architecture}-${createdAt.slice(0, 10)}-default-rates`.replace(/[^\w.-]+/g, '-'), ['.json', '.md']);
  writeFileAtomic(`${base}.json`, `${JSON.stringify({ schema: 'downhill-default-rates/1', createdAt, adapter, environment: nodeEnvironment(), epochs, batchSize, grid, oldDefault: OLD_DEFAULT, rows }, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}.md`, md, '--out');
  console.log(md);
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '–');

function describe(o: Outcome): string {
  if (o.diverged) return 'diverged';
  return `test ${pct(o.testAccuracy)}, loss ${o.finalLoss.toFixed(4)}${o.rises.length ? `, rose over epoch ${o.rises.join(', ')}` : ''}`;
}

function cells(o: Outcome): string[] {
  return o.diverged ? ['diverged', '–', '–'] : [pct(o.testAccuracy), o.finalLoss.toFixed(4), o.rises.length ? o.rises.join(', ') : 'none'];
}

function report(rows: readonly Row[], c: { epochs: number; batchSize: number; grid: readonly number[]; createdAt: string; label: string }): string {
  const head = ['dataset', 'train images', 'tr M', 'λmax M', 'new lr', 'new: test acc', 'loss', 'rises', `old lr ${OLD_DEFAULT}: test acc`, 'loss', 'rises', 'baseline lr', 'baseline: test acc', 'loss', 'rises'];
  const lines = [
    `# Default learning rates beyond MNIST: ${c.label}, ${c.createdAt.slice(0, 10)}`,
    '',
    `Linear softmax classifier, plain SGD at batch ${c.batchSize}, ${c.epochs} epochs, shuffle seed 1, zero start, on datasets built from MNIST (the test set transformed alike). ` +
      `"new": the data-derived default (src/train/default-rate.ts); "old": min(0.5, 0.01·B) = ${OLD_DEFAULT}; "baseline": the best test accuracy of the grid ${c.grid.join(', ')} (chosen on the test set, so optimistic). ` +
      `"rises": epochs whose training loss ended more than 5% above the loss a whole epoch before (src/train/rises.ts). Every rate of a dataset trains stacked on one engine with the same shuffles. Reproduce with \`npm run bench:defaults\`.`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.dataset, r.trainCount.toLocaleString('en-US'), r.moments.trace.toFixed(1), r.moments.lambdaMax.toFixed(1), String(r.newDefault.lr), ...cells(r.newDefault), ...cells(r.oldDefault), String(r.baseline.lr), ...cells(r.baseline)].join(' | ')} |`),
    '',
    'Every rate of the grid:',
    '',
    `| dataset | ${c.grid.map((g) => `lr ${g}`).join(' | ')} |`,
    `| --- | ${c.grid.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.dataset} | ${r.grid.map((o) => (o.diverged ? 'diverged' : `${pct(o.testAccuracy)} (loss ${o.finalLoss.toFixed(3)})`)).join(' | ')} |`),
    '',
    'Why each default (as `npm run train` prints it):',
    '',
    ...rows.map((r) => `- ${r.dataset}: ${r.reason}`),
    '',
  ];
  return lines.join('\n');
}

runCommand('bench:defaults', main);
