/**
 * npm run bench:optimizers -- [options]: optimisers and schedules compared at one batch size on
 * downhill's WebGPU backend: loss against training time and against examples seen, time and
 * examples to the loss target, samples/s, final loss and test accuracy. Writes
 * bench/results/<adapter>-<date>-optimizers.{json,md} and two SVG plots.
 */
import { createEngine } from '../src/api/engine';
import { BENCH_OPTIONS, cliNaming, parseAdapterChoice, parseBatchSize, parseBudgetMs, parseCommandLine, parseSeed } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { type TrainingData, classificationData } from '../src/data/training-data';
import { adapterLabel } from '../src/device/adapter-info';
import { openNodeDevice } from '../src/device/open-node';
import { nodeEnvironment } from '../src/io/environment';
import { checkOutputFolder } from '../src/io/outputs';
import { DEFAULT_TARGETS } from '../src/measure/curve';
import { type MethodResult, type MethodsBench, runMethods } from '../src/measure/methods';
import { OPTIMIZER_KINDS, type OptimizerKind, SGD, describeOptimizer } from '../src/optim/optimizer';
import { CONSTANT } from '../src/optim/schedule';
import { optimizersBenchText } from '../src/report/methods-report';
import { writeMethods } from '../src/report/write';
import { defaultRate } from '../src/train/default-rate';
import { resolveBatchSize } from '../src/train/options';

const HELP = `usage: npm run bench:optimizers -- [options]

  --batch-size B   the batch size every method trains at. Default 100
  --budget-ms MS   training time per method. Default 5000
  --seed S         shuffle seed. Default 1
  --out DIR        where results go, checked first; -2, -3, ... rather than overwrite. Default bench/results
  --data DIR, --adapter A   as for train`;

/** The methods compared: each optimiser at its default rate for the data, and SGD with a schedule. */
function methods(data: TrainingData, batchSize: number): MethodResult['method'][] {
  const rate = (kind: OptimizerKind) => defaultRate(data, { ...SGD, kind }, batchSize).lr;
  return [
    ...OPTIMIZER_KINDS.map((kind) => ({ name: describeOptimizer({ ...SGD, kind }), batchSize, lr: rate(kind), optimizer: { ...SGD, kind }, schedule: CONSTANT })),
    { name: 'sgd, step decay x0.5 per epoch', batchSize, lr: rate('sgd'), optimizer: SGD, schedule: { ...CONSTANT, kind: 'step' } },
    { name: 'adam, cosine, 100 warm-up updates', batchSize, lr: 3 * rate('adam'), optimizer: { ...SGD, kind: 'adam' }, schedule: { ...CONSTANT, kind: 'cosine', warmup: 100 } },
  ];
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...BENCH_OPTIONS, 'batch-size': { type: 'string' }, 'budget-ms': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const batchSizeOption = parseBatchSize(str('batch-size') ?? '100');
  const budgetMs = parseBudgetMs(str('budget-ms') ?? '5000');
  const seed = parseSeed(str('seed') ?? '1');
  const adapter = parseAdapterChoice(str('adapter'));
  const outDir = str('out') ?? 'bench/results';
  checkOutputFolder('--out', outDir);
  const dataDir = str('data') ?? defaultMnistDir();
  const train = loadSplit(dataDir, 'train');
  const test = loadSplit(dataDir, 'test');
  const batchSize = resolveBatchSize(batchSizeOption, train.count, cliNaming(() => str('batch-size')));
  const { gpu } = await openNodeDevice(adapter);
  const data = classificationData(train, test, { kind: 'mnist', dir: dataDir }, `MNIST from ${dataDir}`);
  const backend = await createEngine(data, gpu);
  let results: MethodResult[];
  try {
    results = await runMethods(backend, data, methods(data, batchSize), seed, budgetMs, DEFAULT_TARGETS);
  } finally {
    await backend.destroy();
  }
  const bench: MethodsBench = {
    schema: 'downhill-methods/1', ...optimizersBenchText(batchSize), createdAt: new Date().toISOString(), adapter: gpu.adapter, adapterLabel: adapterLabel(gpu.adapter),
    environment: nodeEnvironment(), budgetMs, seed, targets: { ...DEFAULT_TARGETS, metric: 'accuracy' }, trainExamples: train.count, results,
  };
  console.log(`bench:optimizers: wrote ${writeMethods(bench, outDir, 'optimizers')}.{json,md} and two plots`);
}

runCommand('bench:optimizers', main);
