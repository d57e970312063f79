/**
 * fit: the one way to train, for every model, engine and shell (the CLI, the page, the
 * benchmarks). It resolves the options against their defaults (or against the checkpoint it
 * resumes), drives the trainer, writes checkpoints through the caller's sink, stops when the
 * caller's AbortSignal fires, and evaluates the test set at the end.
 *
 *   const result = await fit(engine, data, { batchSize: 100, epochs: 5, signal });
 *
 * Errors are typed: a UserError for impossible options, TrainingStopped (with the history so
 * far) for a run that was aborted, diverged or failed, GpuFault for the device. Nothing here
 * touches the process (no exit codes, no signals, no files).
 */
import type { Backend, Evaluation } from '../backend/backend';
import { demandDataShape } from '../data/check';
import { paddedParams, storedParams } from '../data/parameters';
import type { RegressionObjective } from '../data/regression';
import { type TrainingData, dataChecksum, initialParams, modelOf } from '../data/training-data';
import { ReportedError, UserError, check } from '../errors';
import { FIELDS, type Naming, demand, demandKnownKeys, isObject } from '../fields';
import { type Checkpoint, type RunIdentity, checkCheckpoint, checkResumable, positionProblem } from '../io/checkpoint';
import { type Optimizer, SGD } from '../optim/optimizer';
import { type Schedule, dependsOnRunLength } from '../optim/schedule';
import { yieldToEventLoop } from '../event-loop';
import { checkedDefaultRate, defaultRate, safeRate } from '../train/default-rate';
import { DEFAULT_SCHEDULE, TRAIN_OPTION_KEYS, type TrainOptionValues, checkRecordSteps, checkScheduleFits, checkTrainOptions, defaultBatchSize, defaultRecordEvery, resolveBatchSize } from '../train/options';
import { demandEngine, takeEngine } from './engine';

export { DEFAULT_SCHEDULE };
import { epochPlan } from '../train/plan';
import { type VariantChoice, forcedVariantProblem } from '../backend/variants';
import { lossRises, riseWarning, uninformedLoss } from '../train/rises';
import { type HistoryPoint, type Progress, type TrainConfig, type TrainResult, type TrainState, TrainingStopped, train } from '../train/trainer';

/** fit's options: the run's values (TrainOptionValues, shared with the CLI's checks) and what only a program can pass. */
export interface FitOptions extends TrainOptionValues {
  /** aborting it stops the run at the next step boundary, after a last checkpoint */
  signal?: AbortSignal;
  /** after each chunk of updates, and with the point at each recording */
  onProgress?: (p: Progress, recorded?: HistoryPoint) => void;
  /** checkpoints: the whole state, handed to `write` at step boundaries (see TrainControl) */
  checkpoint?: { everySteps?: number; everyMs?: number; write: (c: Checkpoint) => void | Promise<void> };
  /** continue this checkpoint's run exactly; options given explicitly must match it (epochs may grow) */
  resume?: { checkpoint: Checkpoint; name: string };
  /**
   * start from these parameters, in the data's units and the weights file's layout (regression:
   * w then b, or w alone; the classifier: W then b). Default zeros
   */
  init?: ArrayLike<number>;
}

export interface FitResult extends TrainResult {
  /** lrReason: why the default rate is what it is; null when lr was given (or resumed) */
  config: TrainConfig & { optimizer: Optimizer; schedule: Schedule; shuffle: boolean; lrReason: string | null };
  /** what the run was, as its checkpoints record it */
  run: RunIdentity;
  stepsPerEpoch: number;
  /** null: no test set, or a stop asked for after the last update skipped it */
  test: Evaluation | null;
  testEvalMs: number;
  /** the stop asked for after the last update (training is complete, the test evaluation skipped) */
  stoppedAfterTraining: string | null;
  /** what the history says went wrong though training finished (a loss that rose over an epoch), one line each */
  warnings: string[];
}

/** The reason a signal was aborted with, as a word: 'SIGINT' from the CLI, 'abort' otherwise. */
export function abortReason(signal: AbortSignal): string {
  demand(isObject(signal) && typeof signal.aborted === 'boolean', 'signal', signal, 'an AbortSignal');
  return typeof signal.reason === 'string' ? signal.reason : 'abort';
}

/** Refuses options the library cannot run: the shared checks (src/train/options.ts), then what only a program can pass (init, resume). */
export function checkFitOptions(o: FitOptions): void {
  checkTrainOptions(o);
  demandKnownKeys('', o, FIT_OPTION_KEYS);
  checkInitWithResume(o.init !== undefined, o.resume !== undefined);
  if (o.resume !== undefined) {
    demand(isObject(o.resume) && typeof o.resume.name === 'string', 'resume', o.resume, 'an object { checkpoint, name }');
    demandKnownKeys('resume', o.resume, ['checkpoint', 'name']);
    checkCheckpoint(o.resume.checkpoint, 'resume.checkpoint');
    const impossible = positionProblem(o.resume.checkpoint.run, o.resume.checkpoint.state);
    check(impossible === null, `resume.checkpoint: ${impossible}`);
  }
}

const FIT_OPTION_KEYS = [...TRAIN_OPTION_KEYS, 'init', 'resume'];

/** Training data as the library's loaders and builders return it. */
function checkDataGiven(data: unknown): void {
  demand(isObject(data) && typeof data.task === 'string', 'data', data, 'training data (from classificationData, regressionData, syntheticData, loadMnist or loadCsv)');
}

/** A run starts from `init` or goes on from a checkpoint's parameters, not both (the CLI's --init and --resume alike). */
export function checkInitWithResume(initGiven: boolean, resumeGiven: boolean, naming: Naming = FIELDS): void {
  check(!(initGiven && resumeGiven), `${naming.name('init')} does not apply to ${naming.name('resume')} (the run goes on from the checkpoint's parameters)`);
}

/** What the model minimises, as a checkpoint records it: regression's loss and intercept; null for the classifier. */
export function objectiveOf(data: TrainingData): RegressionObjective | null {
  return data.task === 'regression' ? data.objective : null;
}

/** The run's settings: the options over their defaults, or the resumed checkpoint's. */
export function resolveConfig(data: TrainingData, engine: Backend, o: FitOptions, naming: Naming = FIELDS): { config: FitResult['config']; stepsPerEpoch: number } {
  demandDataShape(data);
  demandEngine(engine, 'resolveConfig');
  checkFitOptions(o);
  check(o.test !== true || data.testCount > 0, `${naming.name('test')}: true but the data has no test set`);
  const resume = o.resume;
  if (resume) {
    const saved = resume.checkpoint;
    const asked = {
      task: data.task, objective: objectiveOf(data), origin: data.origin, features: data.features, trainExamples: data.trainCount, dataCrc32: dataChecksum(data), backend: engine.name, shuffle: o.shuffle,
      batchSize: o.batchSize === undefined ? undefined : resolveBatchSize(o.batchSize, data.trainCount, naming), lr: o.lr, seed: o.seed, recordEvery: o.recordEvery,
      optimizer: o.optimizer === undefined ? undefined : { ...SGD, ...o.optimizer }, schedule: o.schedule === undefined ? undefined : { ...DEFAULT_SCHEDULE, ...o.schedule },
    };
    checkResumable(saved.run, asked, resume.name, naming);
    const begun = saved.state.epoch + (saved.state.stepInEpoch > 0 ? 1 : 0);
    check(o.epochs === undefined || o.epochs >= begun, `${resume.name} has trained into epoch ${begun}; ${naming.name('epochs')} ${o.epochs} would end before where it stopped (give at least ${begun})`);
    const r = saved.run;
    checkExtensible(r, o.epochs, resume.name, naming);
    const config = { batchSize: r.batchSize, epochs: o.epochs ?? r.epochs, lr: r.lr, seed: r.seed, recordEvery: r.recordEvery, optimizer: r.optimizer, schedule: r.schedule, shuffle: r.shuffle, lrReason: null };
    return withinRun(data, engine, o, { config, stepsPerEpoch: epochPlan(data.trainCount, config.batchSize).length }, naming);
  }
  const optimizer: Optimizer = { ...SGD, ...o.optimizer };
  const schedule: Schedule = { ...DEFAULT_SCHEDULE, ...o.schedule };
  const batchSize = resolveBatchSize(o.batchSize ?? defaultBatchSize(data.trainCount), data.trainCount, naming);
  const chosen = o.lr === undefined ? checkedDefaultRate(defaultRate(data, optimizer, batchSize), naming) : null;
  const lr = o.lr ?? chosen!.lr;
  const stepsPerEpoch = epochPlan(data.trainCount, batchSize).length;
  const epochs = o.epochs ?? 5;
  // a run on a time budget ends when it ends: its epochs are a limit, not its length
  if (o.budgetMs === undefined) checkScheduleFits(schedule, { epochs, updatesPerEpoch: stepsPerEpoch, batchSize }, naming);
  const config = {
    batchSize, epochs, lr, seed: o.seed ?? 1, recordEvery: o.recordEvery ?? defaultRecordEvery(stepsPerEpoch, epochs), optimizer, schedule, shuffle: o.shuffle ?? true,
    lrReason: chosen?.reason ?? null,
  };
  return withinRun(data, engine, o, { config, stepsPerEpoch }, naming);
}

/** The resolved run, once the recordings asked for fall within it and the engine's forced step variant can run it. */
function withinRun<T extends { config: Pick<TrainConfig, 'epochs' | 'batchSize' | 'lr' | 'optimizer'>; stepsPerEpoch: number }>(data: TrainingData, engine: Backend, o: FitOptions, resolved: T, naming: Naming): T {
  checkRecordSteps(o.recordSteps, resolved.config.epochs * resolved.stepsPerEpoch, naming);
  checkForcedVariant(data, engine, resolved.config, naming);
  return resolved;
}

/**
 * Refuses a step variant asked for by name (not 'auto' or 'tune') that cannot run this run's plan
 * (the fused step at batch 100), which would otherwise run another variant in silence.
 */
function checkForcedVariant(data: TrainingData, engine: Backend, config: Pick<TrainConfig, 'batchSize' | 'lr' | 'optimizer'>, naming: Naming): void {
  const choice = engine.variantChoice as VariantChoice | undefined;
  if (choice === undefined) return;
  const kind = (config.optimizer ?? SGD).kind;
  const why = forcedVariantProblem(choice, { model: modelOf(data).kind, models: engine.models, batchSize: epochPlan(data.trainCount, config.batchSize).batchSize, plainSgd: kind === 'sgd' });
  if (why !== null) throw new UserError(`${naming.name('stepVariant')} ${choice} cannot run batch ${config.batchSize} with ${kind}: ${why}; use auto, or a batch size and optimiser it runs at`);
}

/**
 * A resumed run may run to more (or as many) epochs as its checkpoint's run, as long as its
 * schedule does not depend on the run's length: constant and step schedules extend exactly, a
 * cosine's curve spans the run, so other epochs would change the rates of the updates done so far.
 */
function checkExtensible(saved: RunIdentity, epochs: number | undefined, name: string, naming: Naming): void {
  if (epochs === undefined || epochs === saved.epochs || !dependsOnRunLength(saved.schedule)) return;
  throw new UserError(`${name} follows a ${saved.schedule.kind} schedule over its ${saved.epochs} epoch${saved.epochs === 1 ? '' : 's'}; ${naming.name('epochs')} ${epochs} would change that curve (it spans the whole run), so the run so far would not be the one continued: resume with ${naming.name('epochs')} ${saved.epochs}, or leave it out`);
}

/**
 * Trains `engine` on `data`, the data it was created with. The engine is taken for the run: a
 * second fit (or an evaluate) while this one runs is refused, and so are a destroyed engine and
 * other data; a destroy() meanwhile stops the run at its next step boundary.
 */
export async function fit(engine: Backend, data: TrainingData, o: FitOptions = {}, naming: Naming = FIELDS): Promise<FitResult> {
  checkDataGiven(data);
  const lease = takeEngine(engine, data, 'fit');
  try {
    return await fitTaken(engine, data, o, lease.stopRequested, naming);
  } finally {
    lease.release();
  }
}

async function fitTaken(engine: Backend, data: TrainingData, o: FitOptions, destroyRequested: () => string | undefined, naming: Naming): Promise<FitResult> {
  const { config, stepsPerEpoch } = resolveConfig(data, engine, o, naming);
  // why the rate was chosen is said, not recorded: the run's identity is its settings
  const { lrReason: _, ...settings } = config;
  const saved = o.resume?.checkpoint;
  const dataCrc32 = o.checkpoint || saved ? dataChecksum(data) : 0;
  const run = (): RunIdentity => ({
    task: data.task, objective: objectiveOf(data), ...settings, features: data.features, trainExamples: data.trainCount, dataCrc32, backend: engine.name,
    origin: data.origin, stepVariant: engine.stepVariant,
  });
  const signal = o.signal;
  const callbacks = new Callbacks();
  const stopRequested = () => (callbacks.failure ? 'a callback failed' : signal?.aborted ? abortReason(signal) : destroyRequested());
  const write = o.checkpoint?.write && callbacks.guard('checkpoint.write', o.checkpoint.write);
  const onProgress = o.onProgress && callbacks.guardUnawaited('onProgress', o.onProgress);
  const trainConfig: TrainConfig = {
    ...settings, ...(o.recordSteps ? { recordSteps: o.recordSteps } : {}), ...(o.recordTest ? { recordTest: true } : {}), ...(o.budgetMs !== undefined ? { maxTrainMs: o.budgetMs } : {}),
  };
  const start = saved ? paddedParams(data, saved.params, 'resume.checkpoint.params') : o.init ? storedParams(data, o.init, naming.name('init')) : initialParams(data);
  const result = await train(engine, data.trainCount, start, trainConfig, onProgress, {
    resume: saved?.state,
    optimizerState: saved?.optimizerState.map((a, i) => paddedParams(data, a, `resume.checkpoint.optimizerState[${i}]`)),
    stopRequested,
    lossScale: data.task === 'regression' ? data.split.targetScale.sd ** 2 : 1,
    ...(o.checkpoint && write
      ? { checkpoint: { everySteps: o.checkpoint.everySteps, everyMs: o.checkpoint.everyMs, write: (state: TrainState, params: Float32Array, optimizerState: Float32Array[]) => write({ run: run(), state, params, optimizerState }) } }
      : {}),
  }).catch((e: unknown) => {
    callbacks.rethrow(e instanceof TrainingStopped ? e : null);
    throw o.init !== undefined && !saved && divergedBeforeAnyUpdate(e) ? new UserError(`${naming.name('init')}: the initial parameters give a training-set loss that is not finite in float32, before any update (not the learning rate's doing); start from smaller values`) : e;
  });
  // a stop asked for after the last update skips the test evaluation: the trained model is kept
  await yieldToEventLoop();
  callbacks.rethrow(null, result);
  const stoppedAfterTraining = stopRequested() ?? null;
  const t0 = performance.now();
  const wantTest = (o.test ?? true) && data.testCount > 0 && stoppedAfterTraining === null;
  const test = wantTest ? await engine.evaluate(0, 'test') : null;
  return { ...result, config, run: run(), stepsPerEpoch, test, testEvalMs: performance.now() - t0, stoppedAfterTraining, warnings: historyWarnings(data, config, result.history) };
}

/**
 * A callback of fit's (onProgress, checkpoint.write) threw or rejected: what it threw is the cause.
 * A ReportedError (the CLI's checkpoint that cannot be written) keeps its one line and exit code.
 */
class CallbackFailed extends ReportedError {
  override readonly name = 'CallbackFailed';
  readonly exitCode: number;
  constructor(readonly callback: string, cause: unknown) {
    const reported = cause instanceof ReportedError ? cause : null;
    super(reported ? reported.message : `${callback} failed: ${cause instanceof Error ? cause.message : String(cause)}`.split('\n')[0]!, { cause });
    this.exitCode = reported ? reported.exitCode : 1;
  }
}

/**
 * fit's callbacks, guarded: whatever one throws, synchronously or by a rejected promise, stops the
 * run at its next step boundary and makes fit reject with TrainingStopped 'failed' (the history so
 * far, `cause` what the callback threw), never with the raw error.
 */
class Callbacks {
  failure: CallbackFailed | null = null;

  /** `f` awaited (checkpoint.write): a rejection rejects the returned promise. */
  guard<A extends unknown[]>(callback: string, f: (...a: A) => unknown): (...a: A) => Promise<void> {
    return async (...a: A) => {
      try {
        await f(...a);
      } catch (e) {
        throw this.failed(callback, e);
      }
    };
  }

  /** `f` not awaited (onProgress): a synchronous throw throws; a rejection is kept, and the run stops at its next step boundary. */
  guardUnawaited<A extends unknown[]>(callback: string, f: (...a: A) => unknown): (...a: A) => void {
    return (...a: A) => {
      let out: unknown;
      try {
        out = f(...a);
      } catch (e) {
        throw this.failed(callback, e);
      }
      if (out instanceof Promise) out.catch((e: unknown) => this.failed(callback, e));
    };
  }

  private failed(callback: string, e: unknown): CallbackFailed {
    this.failure ??= new CallbackFailed(callback, e);
    return this.failure;
  }

  /** Throws TrainingStopped 'failed' once a callback failed: with `stopped`'s history, or the finished run's. */
  rethrow(stopped: TrainingStopped | null, finished?: { history: HistoryPoint[]; steps: number }): void {
    const f = this.failure;
    if (!f) return;
    const { history, steps } = stopped ? { history: stopped.history, steps: stopped.step } : finished!;
    throw new TrainingStopped('failed', f.message, history, steps, f.exitCode, { cause: f.cause });
  }
}

/** A loss that was not finite at the first recording, before any update: the starting parameters', whatever the rate. */
function divergedBeforeAnyUpdate(e: unknown): boolean {
  return e instanceof TrainingStopped && e.reason === 'diverged' && e.step === 0 && e.history.length === 0;
}

/** A training loss that rose over a whole epoch, with the rate the data's curvature calls safe. */
function historyWarnings(data: TrainingData, config: FitResult['config'], history: readonly HistoryPoint[]): string[] {
  const rises = lossRises(history, uninformedLoss(data.task, modelOf(data).outputs, history));
  const warning = riseWarning(rises, config.lr, safeRate(data, config.optimizer, config.batchSize), config.optimizer);
  return warning === null ? [] : [warning];
}
