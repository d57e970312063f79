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
import { BENCH_OPTIONS, cliNaming, listOption, parseAdapterChoice, parseBatchSize, parseCommandLine, parseWholeNumber, rateList } from '../src/command/args';
import { resolveBatchSize } from '../src/train/options';
import { runCommand } from '../src/command/run';
import type { Dataset } from '../src/data/dataset';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { inputMoments } from '../src/data/moments';
import { type ClassificationData, classificationData } from '../src/data/training-data';
import { openNodeDevice } from '../src/device/open-node';
import { check } from '../src/errors';
import { nodeEnvironment } from '../src/io/environment';
import { writeFileAtomic } from '../src/io/files';
import { checkOutputFolder } from '../src/io/outputs';
import { type DefaultRatesBench, type DefaultRatesRow, type RateOutcome, defaultRatesReport, pct } from '../src/report/default-rates-report';
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

function outcome(run: SweepRun): RateOutcome {
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
  const grid = rateList('--grid', str('grid'), [0.03, 0.1, 0.3, 1]);
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
  const rows: DefaultRatesRow[] = [];
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
    const row: DefaultRatesRow = { dataset: v.name, what: v.what, trainCount: data.trainCount, moments, reason: chosen.reason, safe: safeRate(data, SGD, batchSize)!, newDefault: byRate(chosen.lr), oldDefault: byRate(OLD_DEFAULT), grid: gridOutcomes, baseline };
    rows.push(row);
    console.error(`${v.name}: moments in ${momentsMs.toFixed(0)} ms; ${chosen.reason}`);
    console.error(`  ${lrs.map((lr) => `lr ${lr}: ${describe(byRate(lr))}`).join('\n  ')}  (${(sweep.trainMs / 1000).toFixed(1)} s training)`);
  }
  const bench: DefaultRatesBench = { schema: 'downhill-default-rates/1', createdAt: new Date().toISOString(), adapter, environment: nodeEnvironment(), epochs, batchSize, grid, oldDefault: OLD_DEFAULT, rows };
  const md = defaultRatesReport(bench);
  const base = unusedBase(outDir, `${adapter!.vendor}-${adapter!.architecture}-${bench.createdAt.slice(0, 10)}-default-rates`.replace(/[^\w.-]+/g, '-'), ['.json', '.md']);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}.md`, md, '--out');
  console.log(md);
}

function describe(o: RateOutcome): string {
  if (o.diverged) return 'diverged';
  return `test ${pct(o.testAccuracy)}, loss ${o.finalLoss.toFixed(4)}${o.rises.length ? `, rose over epoch ${o.rises.join(', ')}` : ''}`;
}

runCommand('bench:defaults', main);
