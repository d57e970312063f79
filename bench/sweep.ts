/**
 * npm run bench:sweep -- [options]: the speed-up of a stacked sweep over training the same
 * configurations one by one, on the same adapter in one process. For each batch size, K
 * configurations (rates x optimisers) are trained for the same epochs twice: stacked (each
 * dispatch advances all K; src/train/sweep.ts) and one at a time (the single-model backend, its
 * fastest step variant chosen as usual). Training clocks only. Also checks that both ways end
 * with the same weights. Writes bench/results/<adapter>-<date>-sweep.{json,md}.
 */
import { createEngine } from '../src/api/engine';
import { fit } from '../src/api/fit';
import { BENCH_OPTIONS, listOption, parseAdapterChoice, parseBatchSize, parseCommandLine, parseOptimizerKind, parseWholeNumber, rateList } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { classificationData } from '../src/data/training-data';
import { openNodeDevice } from '../src/device/open-node';
import { check } from '../src/errors';
import { count, seconds } from '../src/format';
import { nodeEnvironment } from '../src/io/environment';
import { writeFileAtomic } from '../src/io/files';
import { checkOutputFolder } from '../src/io/outputs';
import { type SweepBench, type SweepBenchRow, sweepReport } from '../src/report/sweep-report';
import { unusedBase } from '../src/report/write';
import type { OptimizerKind } from '../src/optim/optimizer';
import { sweepModels, trainSweep } from '../src/train/sweep';

const HELP = `usage: npm run bench:sweep -- [options]

  --examples N     training images used (the first N). Default 12000
  --batch-sizes L  each at most --examples, or 'full'. Default 1,10,100
  --lrs L          Default 0.01,0.05,0.2
  --optimizers L   Default sgd,momentum
  --epochs E       Default 1
  --out DIR        where results go, checked first; -2, -3, ... rather than overwrite. Default bench/results
  --adapter A      as for train`;

/** One of --batch-sizes: 'full' is all --examples; a size beyond them is refused naming both. */
function batchSizeWithin(text: string, examples: number): number {
  const b = parseBatchSize(text, '--batch-sizes');
  check(b === 'full' || b <= examples, `--batch-sizes ${b} is larger than --examples ${examples}`);
  return b === 'full' ? examples : b;
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...BENCH_OPTIONS, examples: { type: 'string' }, 'batch-sizes': { type: 'string' }, lrs: { type: 'string' }, optimizers: { type: 'string' }, epochs: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const examples = parseWholeNumber('--examples', str('examples') ?? '12000', 1);
  const batchSizes = listOption('--batch-sizes', str('batch-sizes'), [1, 10, 100], (s) => batchSizeWithin(s, examples));
  const lrs = rateList('--lrs', str('lrs'), [0.01, 0.05, 0.2]);
  const optimizers = listOption<OptimizerKind>('--optimizers', str('optimizers'), ['sgd', 'momentum'], (s) => parseOptimizerKind(s, '--optimizers'));
  const epochs = parseWholeNumber('--epochs', str('epochs') ?? '1', 1);
  const adapterChoice = parseAdapterChoice(str('adapter'));
  const outDir = str('out') ?? 'bench/results';
  checkOutputFolder('--out', outDir);
  const full = loadSplit((args.data as string | undefined) ?? defaultMnistDir(), 'train');
  check(examples <= full.count, `--examples ${examples} is more than the ${count(full.count)} images of the training set`);
  const test = loadSplit((args.data as string | undefined) ?? defaultMnistDir(), 'test');
  const n = examples;
  const data = classificationData({ ...full, images: full.images.subarray(0, n * full.features), labels: full.labels.subarray(0, n), count: n }, test, { kind: 'arrays' }, `the first ${n} MNIST training images`);
  const openDevice = async () => (await openNodeDevice(adapterChoice)).gpu;
  const rows: SweepBenchRow[] = [];
  let adapter;
  for (const batchSize of batchSizes) {
    const config = { batchSizes: [batchSize], lrs, optimizers, epochs, seed: 1 };
    const stackedEngine = await createEngine(data, await openDevice(), { models: sweepModels(config).length });
    const stacked = await trainSweep(stackedEngine, data, config).finally(() => stackedEngine.destroy());
    let oneByOneMs = 0;
    let same = true;
    const variants = new Set<string>();
    for (const run of stacked.runs) {
      // one by one at each configuration's fastest variant (tune)
      const engine = await createEngine(data, await openDevice(), { stepVariant: 'tune' });
      adapter = engine.adapter;
      try {
        const r = await fit(engine, data, { batchSize, lr: run.lr, epochs, recordEvery: 1e9, seed: 1, optimizer: { kind: run.optimizer }, test: false });
        oneByOneMs += r.trainMs;
        variants.add(engine.variant!.variant);
        same &&= Buffer.from(r.params.buffer).equals(Buffer.from(run.params.buffer));
      } finally {
        await engine.destroy();
      }
    }
    const row = { batchSize, configurations: stacked.runs.length, stackedMs: stacked.trainMs, oneByOneMs, speedup: oneByOneMs / stacked.trainMs, sameWeights: same, variants: [...variants] };
    rows.push(row);
    console.error(`  batch ${batchSize}: ${row.configurations} configurations stacked ${seconds(row.stackedMs)}, one by one ${seconds(oneByOneMs)}: ${row.speedup.toFixed(2)}x`);
  }
  const bench: SweepBench = { schema: 'downhill-sweep-bench/1', createdAt: new Date().toISOString(), adapter: adapter!, environment: nodeEnvironment(), examples: n, epochs, lrs, optimizers, rows };
  const md = sweepReport(bench);
  const base = unusedBase(outDir, `${adapter!.vendor}-${adapter!.architecture}-${bench.createdAt.slice(0, 10)}-sweep`.replace(/[^\w.-]+/g, '-'), ['.json', '.md']);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}.md`, md, '--out');
  console.log(md);
}

runCommand('bench:sweep', main);
