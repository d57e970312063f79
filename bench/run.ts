/**
 * npm run bench -- [options]: the batch-size comparison on this machine, downhill beside its
 * peers (PyTorch on the CPU where it is installed). Each engine runs in its own process, one after another, so no CPU peer is ever timed
 * while a WebGPU device is alive (dawn-node keeps a core busy polling). Writes
 * bench/results/<adapter>-<date>.json, a markdown report and SVG plots from it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_OPTIONS, cliNaming, parseAdapterChoice, parseBatchSize, parseCommandLine, listOption, parseLearningRate, parseNumber, parseSeed, parseWholeNumber } from '../src/command/args';
import { runCommand } from '../src/command/run';
import type { StopRequests } from '../src/command/stop';
import { yieldToEventLoop } from '../src/event-loop';
import { defaultMnistDir, loadSplit } from '../src/data/load-node';
import { classificationData } from '../src/data/training-data';
import { UserError, check } from '../src/errors';
import { nodeEnvironment, packageVersion } from '../src/io/environment';
import { writeFileAtomic } from '../src/io/files';
import { DEFAULT_TARGETS } from '../src/measure/curve';
import type { KernelBench } from '../src/measure/kernels';
import type { ThroughputOptions } from '../src/measure/throughput';
import { type BenchResults, ENGINES, type EngineJob, type EngineName, type EngineResult, resultsBaseName } from '../src/measure/results';
import { SGD } from '../src/optim/optimizer';
import { BENCH_FILES, unusedBase, writeReport } from '../src/report/write';
import { checkOutputFolder } from '../src/io/outputs';
import { KERNEL_ROWS } from '../src/measure/kernels';
import { runPytorchPeer } from './peers/pytorch';
import { reportComparison } from './compare';
import { readResults } from '../src/report/results-file';
import { defaultRate } from '../src/train/default-rate';
import { SIGNAL_EXIT, TrainingStopped } from '../src/train/trainer';
import { type BatchSizeOption, resolveBatchSize } from '../src/train/options';
import { commandLine } from '../src/command/invocation';

/** The engines that run on a WebGPU adapter, the ones --adapter chooses for. */
const isWebGpuEngine = (engine: EngineName): boolean => engine.endsWith('-webgpu');

/** The most --reps: each one costs about 0.4 s (--full: 1 s) per engine and batch size. */
const MAX_REPS = 100;

const HELP = `usage: ${commandLine('bench')} [options]

  --batch-sizes LIST   comma-separated, 1..N or 'full'. Default 1,10,100,1000,full
  --lrs LIST           one learning rate per batch size. Default: each one's default for the data (as train)
  --engines LIST       of ${ENGINES.join(', ')}. Default all
  --budget-ms MS       training time per convergence curve (downhill-webgpu). Default 5000 (--full: 30000)
  --budget-epochs E    train each curve for E epochs instead of a time budget
  --reps R             timed repetitions per throughput measurement, 3 to ${MAX_REPS}. Default 5
                       (--full: 9); fewer only where one step takes seconds
  --target-loss L      training-loss target for "time to target". Default 0.35
  --target-accuracy A  test-accuracy target for "time to target". Default 0.9
  --seed S             shuffle seed. Default 1
  --kernel-rows LIST   rows at which each kernel is timed alone (downhill-webgpu), or none.
                       Default 100,1000,60000
  --full               the complete sweep: longer curves, more repetitions, curves for downhill-cpu too
  --out DIR            where results go, checked before measuring. Default bench/results; files
                       are named <adapter>-<date>[-<engines measured, where not all>].*, with -2,
                       -3, ... added rather than overwrite a run's files
  --compare FILE       a previous run's results (.json): prints each engine's and batch size's ratio
                       of median samples/s to it; exit code 1 when one is slower beyond both
                       runs' min-max spread
  --data DIR, --adapter A   as for train (--adapter: for the WebGPU engines)`;

/**
 * How each throughput is measured: `reps` repetitions of about repMs each, within a time cap that
 * leaves room for all of them (twice their nominal time), so that only an engine whose single
 * steps take seconds makes fewer (each cell of the report says how many).
 */
function throughputOptions(reps: number, full: boolean): ThroughputOptions {
  const repMs = full ? 1000 : 400;
  return { warmupMs: 300, repMs, reps, maxMs: Math.max(full ? 20000 : 6000, 2 * reps * repMs) };
}

/** Plain SGD's default rate for each batch size on the training set in `dir`, as train would choose it. */
function defaultRates(dir: string, batchSizes: readonly BatchSizeOption[]): number[] {
  const train = loadSplit(dir, 'train');
  const data = classificationData(train, null, { kind: 'mnist', dir }, dir);
  return batchSizes.map((b) => defaultRate(data, SGD, resolveBatchSize(b, train.count, cliNaming(() => String(b), { batchSize: '--batch-sizes' }))).lr);
}

async function main(stop: StopRequests): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), {
    ...BENCH_OPTIONS,
    'batch-sizes': { type: 'string' }, lrs: { type: 'string' }, engines: { type: 'string' }, 'budget-ms': { type: 'string' }, 'budget-epochs': { type: 'string' },
    reps: { type: 'string' }, 'target-loss': { type: 'string' }, 'target-accuracy': { type: 'string' }, seed: { type: 'string' },
    'kernel-rows': { type: 'string' }, full: { type: 'boolean' }, out: { type: 'string' }, compare: { type: 'string' },
  });
  if (args.help) return void console.log(HELP);
  const str = (k: string) => args[k] as string | undefined;
  const full = args.full === true;
  const batchSizes = listOption<BatchSizeOption>('--batch-sizes', str('batch-sizes'), [1, 10, 100, 1000, 'full'], (s) => parseBatchSize(s, '--batch-sizes'));
  const engines = listOption('--engines', str('engines'), [...ENGINES], (e) => {
    check((ENGINES as readonly string[]).includes(e), `unknown engine '${e}' (one of ${ENGINES.join(', ')})`);
    return e as EngineName;
  });
  check(str('adapter') === undefined || engines.some(isWebGpuEngine), `--adapter applies to the WebGPU engines only (${ENGINES.filter(isWebGpuEngine).join(', ')}), and --engines has none`);
  const number = (flag: string, fallback: number, ok: (x: number) => boolean, what: string) => parseNumber(`--${flag}`, str(flag) ?? String(fallback), ok, what);
  const budgetEpochs = str('budget-epochs') === undefined ? undefined : parseWholeNumber('--budget-epochs', str('budget-epochs')!, 1);
  check(budgetEpochs === undefined || str('budget-ms') === undefined, '--budget-ms and --budget-epochs exclude each other: choose one budget');
  const budgetMs = budgetEpochs === undefined ? number('budget-ms', full ? 30000 : 5000, (x) => x > 0, 'a positive number of milliseconds') : undefined;
  const reps = parseWholeNumber('--reps', str('reps') ?? (full ? '9' : '5'), 3, MAX_REPS);
  const targetLoss = number('target-loss', DEFAULT_TARGETS.loss, (x) => x > 0, 'a positive loss');
  const targetAccuracy = number('target-accuracy', DEFAULT_TARGETS.accuracy, (x) => x > 0 && x <= 1, 'an accuracy above 0 and at most 1');
  const seed = parseSeed(str('seed') ?? '1');
  const adapter = parseAdapterChoice(args.adapter as string | undefined);
  const dataDir = str('data') ?? defaultMnistDir();
  const lrs = str('lrs') === undefined ? defaultRates(dataDir, batchSizes) : listOption('--lrs', str('lrs'), [], (s) => parseLearningRate(s, '--lrs'), 'allowed');
  check(lrs.length === batchSizes.length, `--lrs has ${lrs.length} rates for ${batchSizes.length} batch sizes`);
  const kernelRows = str('kernel-rows') === 'none' ? [] : listOption('--kernel-rows', str('kernel-rows'), [...KERNEL_ROWS], (x) => {
    check(/^\d+$/.test(x) && Number(x) >= 1, `'${x}' is not a whole number of rows, at least 1 (or none)`);
    return Number(x);
  });
  const outDir = str('out') ?? 'bench/results';
  // read before the run, so that a wrong file fails at once
  const previous = str('compare') === undefined ? null : readResults(str('compare')!, `--compare ${str('compare')}`);
  checkOutputFolder('--out', outDir);

  const runs = batchSizes.map((batchSize, i) => ({ batchSize, lr: lrs[i]! }));
  const config = { batchSizes, lrs, engines, budgetMs, budgetEpochs, reps, targetLoss, targetAccuracy, seed, full, adapter, kernelRows };
  const budget = budgetMs === undefined ? `${budgetEpochs} epochs` : `${budgetMs / 1000} s`;
  console.log(`bench: ${engines.join(', ')} at batch sizes ${batchSizes.join(', ')} (lr ${lrs.join(', ')}); curves of ${budget}, ${reps} repetitions`);
  const work = mkdtempSync(join(tmpdir(), 'downhill-bench-'));
  const tfjsInstalled = packageVersion('@tensorflow/tfjs') !== null;
  const { results, stopped } = await measureEngines(engines, stop, (engine) => {
    const curves = engine === 'downhill-webgpu' || (full && engine === 'downhill-cpu');
    const job: EngineJob = {
      engine, adapter, dataDir, runs, seed,
      throughput: throughputOptions(reps, full),
      curve: curves ? { budgetMs, points: full ? 16 : 10, maxEpochs: budgetEpochs ?? 1000, targetLoss, targetAccuracy } : undefined,
    };
    console.log(`bench: ${engine}`);
    const result = engine === 'pytorch-cpu' ? runPytorchPeer(job) : engine.startsWith('tfjs-') && !tfjsInstalled ? tfjsSkipped(engine) : runChild<EngineResult>(work, engine, job);
    if (result.skipped) console.log(`bench: ${engine} skipped: ${result.skipped}`);
    if (engine === 'downhill-webgpu' && kernelRows.length > 0) {
      console.log('bench: kernels');
      result.kernels = runChild<KernelBench>(work, 'kernels', { ...job, kernelsOnly: true, kernelRows });
    }
    return result;
  });
  const measured = results.filter((r) => !r.skipped);
  if (stopped && measured.length === 0) throw stoppedWith(stopped, ' (nothing was written)');
  if (measured.length === 0) throw new UserError(`nothing was measured, no file written: ${results.map((r) => `${r.engine}: ${r.skipped}`).join('; ')}`);

  const downhill = results.find((r) => r.engine === 'downhill-webgpu') ?? results[0]!;
  const bench: BenchResults = {
    schema: 'downhill-bench/1',
    createdAt: new Date().toISOString(),
    config,
    environment: {
      ...nodeEnvironment(),
      tfjs: packageVersion('@tensorflow/tfjs'),
      pytorch: results.find((r) => r.engine === 'pytorch-cpu' && !r.skipped)?.adapter.description ?? null,
      chromium: commandOutput('chromium', ['--version']),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      gitCommit: commandOutput('git', ['rev-parse', '--short', 'HEAD']),
    },
    adapter: downhill.adapter,
    engines: results,
    ...(stopped ? { stopped: `${stopped.message}; not measured: ${engines.slice(results.length).join(', ')}` } : {}),
  };
  const base = unusedBase(outDir, resultsBaseName(bench), BENCH_FILES);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 1)}\n`, '--out');
  const written = writeReport(bench, base);
  const files = [`${base}.json`, ...written].join(', ');
  if (stopped) throw stoppedWith(stopped, `; wrote what was measured before it (${measured.map((r) => r.engine).join(', ')}): ${files}`);
  console.log(`bench: wrote ${files}`);
  if (previous) reportComparison('bench', bench, previous, str('compare')!);
}

/**
 * Measures each engine in turn until a stop request (a signal, or the engine's process ended by
 * one): a stop keeps what was measured, so the engines finished before it are returned with it.
 */
async function measureEngines(engines: readonly EngineName[], stop: StopRequests, measure: (engine: EngineName) => EngineResult): Promise<{ results: EngineResult[]; stopped?: TrainingStopped }> {
  const results: EngineResult[] = [];
  for (const engine of engines) {
    try {
      await yieldToEventLoop();
      stop.throwIfRequested(`before measuring ${engine}`);
      results.push(measure(engine));
    } catch (e) {
      if (e instanceof TrainingStopped) return { results, stopped: e };
      throw e;
    }
  }
  return { results };
}

/** The stop that cut the run short, its message completed by what was written. */
function stoppedWith(stopped: TrainingStopped, written: string): TrainingStopped {
  return new TrainingStopped('interrupted', `${stopped.message}${written}`, [], 0, stopped.exitCode);
}

/**
 * The engine process's script: in the package, the compiled bench-engine.js beside this module;
 * in the repository, bench/engine-main.ts through tsx.
 */
const ENGINE_PROCESS = import.meta.url.endsWith('.ts')
  ? ['--import', 'tsx', fileURLToPath(new URL('./engine-main.ts', import.meta.url))]
  : [fileURLToPath(new URL('./bench-engine.js', import.meta.url))];

/** Runs one job in a process of its own and returns what it wrote. */
function runChild<T>(work: string, name: string, job: EngineJob): T {
  const jobPath = join(work, `${name}.job.json`);
  const outPath = join(work, `${name}.result.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  const child = spawnSync(process.execPath, [...ENGINE_PROCESS, jobPath, outPath], { stdio: ['ignore', 'ignore', 'inherit'] });
  // a signal to the process group (Ctrl-C, timeout) ends the engine's process at once: a stop request
  const signal = child.signal ?? '';
  if (signal in SIGNAL_EXIT) throw new TrainingStopped('interrupted', `stopped by ${signal} while measuring ${name}`, [], 0, SIGNAL_EXIT[signal]!);
  if (child.status !== 0) throw new UserError(`${name} failed (exit ${child.status ?? child.signal}); see the lines above`);
  return JSON.parse(readFileSync(outPath, 'utf8')) as T;
}

/** A TensorFlow.js engine where the package is not installed (it is a development dependency). */
function tfjsSkipped(engine: EngineName): EngineResult {
  const adapter = { vendor: 'cpu', architecture: '', device: '', description: 'TensorFlow.js (not installed)', software: true, runtime: 'cpu' as const };
  return { engine, adapter, setupMs: 0, runs: [], skipped: '@tensorflow/tfjs is not installed (npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgpu to compare with it)' };
}

function commandOutput(command: string, argv: string[]): string | null {
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

runCommand('bench', main, 'before the next engine');
