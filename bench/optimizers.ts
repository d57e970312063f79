/**
 * npm run bench:optimizers -- [options]: optimisers and schedules compared at one batch size on
 * downhill's WebGPU backend: loss against training time and against examples seen, time and
 * examples to the loss target, samples/s, final loss and test accuracy. Writes
 * bench/results/<adapter>-<date>-optimizers.{json,md} and two SVG plots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebGpuBackend } from '../src/backend/webgpu';
import { COMMON_OPTIONS, adapterOption, parseCommandLine } from '../src/cli/args';
import { runCommand } from '../src/cli/main';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { adapterLabel } from '../src/device/adapter-info';
import { acquireNodeAdapter } from '../src/device/adapter-node';
import { Gpu } from '../src/device/gpu';
import { nodeShaderFiles } from '../src/device/shader-files-node';
import { nodeEnvironment } from '../src/io/environment';
import { writeFileAtomic } from '../src/io/files';
import { SGD } from '../src/optim/optimizer';
import { CONSTANT } from '../src/optim/schedule';
import { defaultRateFor, parseBatchSize, parseSeed, resolveBatchSize } from '../src/train/options';
import { DEFAULT_TARGETS, measureCurve } from './measure';
import { type MethodResult, type OptimizerBench, optimizerReport, optimizerCharts } from './optimizers-report';
import { lineChart } from './svg';

const HELP = `usage: npm run bench:optimizers -- [options]

  --batch-size B   the batch size every method trains at. Default 100
  --budget-ms MS   training time per method. Default 5000
  --seed S         shuffle seed. Default 1
  --out DIR        where results go. Default bench/results
  --data DIR, --adapter A   as for train`;

/** The methods compared: each optimiser at its default rate, and SGD with a schedule. */
function methods(batchSize: number): MethodResult['method'][] {
  const rate = (kind: 'sgd' | 'momentum' | 'nesterov' | 'adam') => defaultRateFor(kind, batchSize, SGD.momentum);
  return [
    { name: 'sgd', lr: rate('sgd'), optimizer: SGD, schedule: CONSTANT },
    { name: 'momentum 0.9', lr: rate('momentum'), optimizer: { ...SGD, kind: 'momentum' }, schedule: CONSTANT },
    { name: 'nesterov 0.9', lr: rate('nesterov'), optimizer: { ...SGD, kind: 'nesterov' }, schedule: CONSTANT },
    { name: 'adam', lr: rate('adam'), optimizer: { ...SGD, kind: 'adam' }, schedule: CONSTANT },
    { name: 'sgd, step decay x0.5 per epoch', lr: rate('sgd'), optimizer: SGD, schedule: { kind: 'step', every: 1, factor: 0.5, warmup: 0 } },
    { name: 'adam, cosine, 100 warm-up updates', lr: 3 * rate('adam'), optimizer: { ...SGD, kind: 'adam' }, schedule: { kind: 'cosine', every: 1, factor: 1, warmup: 100 } },
  ];
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...COMMON_OPTIONS, 'batch-size': { type: 'string' }, 'budget-ms': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const dataDir = str('data') ?? defaultMnistDir();
  const train = loadSplit(dataDir, 'train');
  const test = loadSplit(dataDir, 'test');
  const batchSize = resolveBatchSize(parseBatchSize(str('batch-size') ?? '100'), train.count);
  const budgetMs = Number(str('budget-ms') ?? 5000);
  const seed = parseSeed(str('seed') ?? '1');
  const outDir = str('out') ?? 'bench/results';
  const found = await acquireNodeAdapter(adapterOption(args.adapter));
  const gpu = await Gpu.create(found.adapter, found.report, nodeShaderFiles);
  const backend = await WebGpuBackend.create(gpu, { train, test });
  const results: MethodResult[] = [];
  try {
    for (const method of methods(batchSize)) {
      // a curve long enough for its time budget: updates per second from a first short run
      const probe = await measureCurve(backend, train.count, train.features, batchSize, method.lr, seed, 1, DEFAULT_TARGETS, { budgetMs: 300, points: 2, maxEpochs: 1 }, () => {}, method);
      const updatesPerSecond = probe.history.at(-1)!.step / (probe.trainMs / 1000);
      const curve = await measureCurve(backend, train.count, train.features, batchSize, method.lr, seed, updatesPerSecond, DEFAULT_TARGETS, { budgetMs, points: 24, maxEpochs: 1000 }, () => {}, method);
      const last = curve.history.at(-1)!;
      results.push({ method, variant: backend.variant, samplesPerSecond: last.samples / (curve.trainMs / 1000), curve });
      console.error(`  ${method.name}: loss ${last.loss.toFixed(4)}, test accuracy ${((last.testAccuracy ?? 0) * 100).toFixed(2)}% after ${(curve.trainMs / 1000).toFixed(1)} s`);
    }
  } finally {
    await backend.destroy();
  }
  const bench: OptimizerBench = {
    schema: 'downhill-optimizers/1', createdAt: new Date().toISOString(), adapter: found.report, adapterLabel: adapterLabel(found.report),
    environment: nodeEnvironment(), batchSize, budgetMs, seed, targets: DEFAULT_TARGETS, trainExamples: train.count, results,
  };
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${found.report.vendor}-${found.report.architecture}-${bench.createdAt.slice(0, 10)}-optimizers`.replace(/[^\w.-]+/g, '-'));
  const charts = optimizerCharts(bench);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}-loss-vs-time.svg`, lineChart(charts.lossVsTime), '--out');
  writeFileAtomic(`${base}-loss-vs-samples.svg`, lineChart(charts.lossVsSamples), '--out');
  writeFileAtomic(`${base}.md`, optimizerReport(bench, base.split('/').at(-1)!), '--out');
  console.log(`bench:optimizers: wrote ${base}.{json,md} and two plots`);
}

runCommand('bench:optimizers', main);
