/**
 * npm run bench:regression -- [options]: the three regimes for linear regression with squared
 * loss on downhill's WebGPU backend: batch sizes 1 to full on synthetic data (y = X·θ + 1 + noise,
 * seeded), each for the same training time. Loss against time and against examples, samples/s,
 * time to a loss target, final test R². Writes bench/results/<adapter>-<date>-regression.*.
 */
import { createEngine } from '../src/api/engine';
import { syntheticData } from '../src/api/load-node';
import { MAX_SYNTHETIC_VALUES } from '../src/data/regression-data';
import { parseAdapterChoice, parseBudgetMs, parseCommandLine, parseNumber, parseSeed, parseWholeNumber } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { adapterLabel } from '../src/device/adapter-info';
import { openNodeDevice } from '../src/device/open-node';
import { check } from '../src/errors';
import { count } from '../src/format';
import { nodeEnvironment } from '../src/io/environment';
import { checkOutputFolder } from '../src/io/outputs';
import { type MethodResult, type MethodsBench, runMethods } from '../src/measure/methods';
import { SGD } from '../src/optim/optimizer';
import { CONSTANT } from '../src/optim/schedule';
import { writeMethods } from '../src/report/write';

const HELP = `usage: npm run bench:regression -- [options]

  --rows N         synthetic rows (80% train, 20% test), at least 10. Default 75000 (60,000 to train on)
  --features D     features per row, at least 1 (rows × features at most 1e8). Default 100
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
  const args = parseCommandLine(process.argv.slice(2), { adapter: { type: 'string' }, help: { type: 'boolean', short: 'h' }, rows: { type: 'string' }, features: { type: 'string' }, noise: { type: 'string' }, 'budget-ms': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const rows = parseWholeNumber('--rows', str('rows') ?? '75000', 10, MAX_SYNTHETIC_VALUES);
  const dims = parseWholeNumber('--features', str('features') ?? '100', 1);
  check(rows * dims <= MAX_SYNTHETIC_VALUES, `--rows ${rows} × --features ${dims} is more than the ${count(MAX_SYNTHETIC_VALUES)} values synthetic data may hold`);
  const noise = parseNumber('--noise', str('noise') ?? '0.5', (x) => x >= 0, 'a finite number of at least 0');
  const budgetMs = parseBudgetMs(str('budget-ms') ?? '3000');
  const seed = parseSeed(str('seed') ?? '1');
  const adapter = parseAdapterChoice(str('adapter'));
  const outDir = str('out') ?? 'bench/results';
  checkOutputFolder('--out', outDir);
  const data = syntheticData(rows, dims, noise, seed);
  const { gpu } = await openNodeDevice(adapter);
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
