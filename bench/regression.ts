/**
 * npm run bench:regression -- [options]: the three regimes for linear regression with squared
 * loss on downhill's WebGPU backend: batch sizes 1 to full on synthetic data (y = X·θ + 1 + noise,
 * seeded), each for the same training time. Loss against time and against examples, samples/s,
 * time to a loss target, final test R². Writes bench/results/<adapter>-<date>-regression.*.
 */
import { createEngine } from '../src/api/engine';
import { syntheticData } from '../src/api/load-node';
import { COMMON_OPTIONS, parseAdapterChoice, parseCommandLine, parseSeed } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { adapterLabel } from '../src/device/adapter-info';
import { openNodeDevice } from '../src/device/open-node';
import { check } from '../src/errors';
import { nodeEnvironment } from '../src/io/environment';
import { checkOutputFolder } from '../src/io/outputs';
import { type MethodResult, type MethodsBench, runMethods } from '../src/measure/methods';
import { SGD } from '../src/optim/optimizer';
import { CONSTANT } from '../src/optim/schedule';
import { writeMethods } from '../src/report/write';

const HELP = `usage: npm run bench:regression -- [options]

  --rows N         synthetic rows (80% train, 20% test). Default 75000 (60,000 to train on)
  --features D     features per row. Default 100
  --noise S        the noise's standard deviation. Default 0.5
  --budget-ms MS   training time per batch size. Default 3000
  --seed S         data and shuffle seed. Default 1
  --out DIR        where results go, checked first; -2, -3, ... rather than overwrite. Default bench/results
  --adapter A      as for train`;

/** Rates per batch size: plain SGD on standardised features; batch 1 needs a small one to stay stable. Batch sizes of n or more are the full batch. */
function methods(n: number): MethodResult['method'][] {
  return [...[1, 10, 100, 1000].filter((b) => b < n), n].map((batchSize) => ({
    name: batchSize === n ? 'full batch (GD)' : batchSize === 1 ? 'batch 1 (SGD)' : `batch ${batchSize}`,
    batchSize, lr: Math.min(0.5, 0.005 * batchSize), optimizer: SGD, schedule: CONSTANT,
  }));
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...COMMON_OPTIONS, rows: { type: 'string' }, features: { type: 'string' }, noise: { type: 'string' }, 'budget-ms': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const num = (k: string, fallback: number) => (args[k] === undefined ? fallback : Number(args[k]));
  const [rows, dims, noise, budgetMs] = [num('rows', 75000), num('features', 100), num('noise', 0.5), num('budget-ms', 3000)];
  check([rows, dims, budgetMs].every((v) => Number.isSafeInteger(v) && v > 0) && rows >= 10 && noise >= 0, '--rows, --features and --budget-ms must be positive whole numbers (rows at least 10), --noise at least 0');
  const seed = parseSeed((args.seed as string | undefined) ?? '1');
  const outDir = (args.out as string | undefined) ?? 'bench/results';
  checkOutputFolder('--out', outDir);
  const data = syntheticData(rows, dims, noise, seed);
  const { gpu } = await openNodeDevice(parseAdapterChoice(args.adapter as string | undefined));
  const backend = await createEngine(data, gpu);
  const n = data.trainCount;
  const optimal = noise ** 2 / 2;
  let results: MethodResult[];
  try {
    results = await runMethods(backend, data, methods(n), seed, budgetMs, { loss: 1.1 * optimal, accuracy: 0.95 });
  } finally {
    await backend.destroy();
  }
  const bench: MethodsBench = {
    schema: 'downhill-methods/1', title: `Linear regression: batch size against speed`,
    problem: `Linear regression with squared loss on synthetic data, y = X·θ + 1 + ${noise}·ε, ${dims} standard-normal features (standardised), the best possible loss (σ²/2) ${optimal}`,
    command: `npm run bench:regression -- --rows ${rows} --features ${dims} --noise ${noise} --budget-ms ${budgetMs}`,
    createdAt: new Date().toISOString(), adapter: gpu.adapter, adapterLabel: adapterLabel(gpu.adapter), environment: nodeEnvironment(), budgetMs, seed,
    targets: { loss: 1.1 * optimal, accuracy: 0.95, metric: 'R²' }, trainExamples: n, results,
  };
  console.log(`bench:regression: wrote ${writeMethods(bench, outDir, 'regression')}.{json,md} and two plots`);
}

runCommand('bench:regression', main);
