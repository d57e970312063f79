/**
 * A sweep: configurations (learning rates × batch sizes × optimisers) trained in one run, of
 * either model on either engine. Configurations that share a batch size share their batches, so
 * the engine stacks them (K = learning rates × optimisers) and each dispatch advances all of
 * them; batch sizes run one after another on the same engine. Every
 * configuration sees the same shuffles as a run of its own with the same seed, and ends with the
 * same weights (tested). Recorded per configuration at the start and at each epoch's end, off
 * the training clock: training loss and accuracy, running batch loss, test loss and accuracy.
 */
import type { Backend } from '../backend/backend';
import { type TrainingData, initialParams } from '../data/training-data';
import { type Optimizer, type OptimizerKind, SGD } from '../optim/optimizer';
import { CONSTANT, type Schedule } from '../optim/schedule';
import { UserError } from '../errors';
import { type HistoryPoint, type Progress, type SharedConfig, type StackState, TrainingStopped, trainStack } from './trainer';

export interface SweepConfig {
  batchSizes: readonly number[];
  lrs: readonly number[];
  optimizers: readonly OptimizerKind[];
  epochs: number;
  seed: number;
  schedule?: Schedule;
  /** μ, β1, β2, ε shared by every configuration */
  constants?: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>;
}

export interface SweepRun {
  batchSize: number;
  lr: number;
  optimizer: OptimizerKind;
  history: HistoryPoint[];
  params: Float32Array;
  /** the loss became NaN or infinite; the other configurations went on */
  diverged: boolean;
}

export interface SweepResult {
  /** every configuration trained so far (those of a batch size not reached are missing) */
  runs: SweepRun[];
  /** the stop request that ended the sweep early (its runs stop at that step), if one did */
  stopped?: string;
  /** training time of each batch size's stack, evaluation excluded */
  groups: Array<{ batchSize: number; models: number; trainMs: number }>;
  trainMs: number;
  evalMs: number;
}

/** The configurations of one batch size, in the order the engine stacks them. */
export function sweepModels(config: Pick<SweepConfig, 'lrs' | 'optimizers'>): Array<{ lr: number; optimizer: OptimizerKind }> {
  return config.optimizers.flatMap((optimizer) => config.lrs.map((lr) => ({ lr, optimizer })));
}

/**
 * Where a sweep stands, enough to continue it exactly: the batch sizes finished (their runs, with
 * their parameters, and groups), and the one being trained (its stack's state, parameters and
 * optimiser state; null between batch sizes). Its position: `groups.length` batch sizes done.
 */
export interface SweepState {
  runs: SweepRun[];
  groups: SweepResult['groups'];
  /** evaluation time of the batch sizes finished (the current one's is in its state) */
  evalMs: number;
  current: { state: StackState; params: Float32Array[]; optimizerStates: Float32Array[][] } | null;
}

export interface SweepControl {
  /** polled at step boundaries: a reason (e.g. 'SIGINT') stops the sweep there (its result says so) */
  stopRequested?: () => string | undefined;
  /** continue from this state (a checkpoint's), with the same config */
  resume?: SweepState;
  /**
   * called with the sweep's state as the driver checkpoints (every `everySteps` updates or
   * `everyMs`, at each epoch's end, at a stop) and once each batch size is finished
   */
  checkpoint?: { everySteps?: number; everyMs?: number; write: (state: SweepState) => Promise<void> | void };
}

/**
 * Trains every configuration of `config`: the driver (trainStack) once per batch size, in order,
 * its configurations stacked; one whose loss is not finite is marked diverged and the others go
 * on. `engine` must stack sweepModels(config).length configurations. Stopped, the result holds the
 * runs so far (the current batch size's to the last recording) and says why.
 */
export async function trainSweep(
  engine: Backend,
  data: TrainingData,
  config: SweepConfig,
  onRecord: (line: string) => void = () => {},
  control: SweepControl = {},
): Promise<SweepResult> {
  const models = sweepModels(config);
  if (models.length !== engine.models) throw new Error(`the engine stacks ${engine.models} configurations; the sweep has ${models.length}`);
  const configs = models.map((m) => ({ optimizer: { ...(config.constants ?? SGD), kind: m.optimizer }, lr: m.lr }));
  const sweep: SweepState = control.resume ? resumedSweep(control.resume, config) : { runs: [], groups: [], evalMs: 0, current: null };
  const stopRequested = control.stopRequested ?? (() => undefined);
  let stopped: string | undefined;
  for (const batchSize of config.batchSizes.slice(sweep.groups.length)) {
    if ((stopped = stopRequested())) break;
    const current = sweep.current;
    const shared: SharedConfig = { batchSize, epochs: config.epochs, seed: config.seed, schedule: config.schedule, recordEvery: Infinity, recordSteps: [], recordTest: data.testCount > 0 };
    const onProgress = (p: Progress, recorded?: readonly HistoryPoint[]) => {
      if (recorded && p.step === p.stepsPerEpoch) onRecord(`sweep: batch ${batchSize}, ${models.length} configurations, epoch ${p.epoch}/${config.epochs} (${(p.trainMs / 1000).toFixed(2)} s of training)`);
    };
    const checkpoint = control.checkpoint && {
      ...control.checkpoint,
      write: (state: StackState, params: Float32Array[], optimizerStates: Float32Array[][]) => control.checkpoint!.write({ ...copy(sweep), current: { state, params, optimizerStates } }),
    };
    const stack = configs.map((c, k) => ({ ...c, params: current?.params[k] ?? initialParams(data), optimizerState: current?.optimizerStates[k] }));
    let result: NonNullable<TrainingStopped['stacked']>;
    try {
      result = await trainStack(engine, data.trainCount, stack, shared, onProgress, { resume: current?.state, checkpoint, stopRequested, divergence: 'mark' });
    } catch (e) {
      if (!(e instanceof TrainingStopped && e.reason === 'interrupted')) throw e;
      stopped = stopRequested() ?? 'a stop request';
      result = e.stacked!;
    }
    const params = await Promise.all(models.map((_, k) => engine.getParams(k)));
    sweep.runs.push(...models.map((m, k) => ({ batchSize, lr: m.lr, optimizer: m.optimizer, history: result.histories[k]!, params: params[k]!, diverged: result.diverged[k]! })));
    sweep.groups.push({ batchSize, models: models.length, trainMs: result.trainMs });
    sweep.evalMs += result.evalMs;
    sweep.current = null;
    if (stopped) break;
    await control.checkpoint?.write(copy(sweep));
  }
  const { runs, groups, evalMs } = sweep;
  return { runs, groups, trainMs: groups.reduce((a, g) => a + g.trainMs, 0), evalMs, ...(stopped ? { stopped } : {}) };
}

/** A copy of a checkpointed sweep state to continue, refused where it is not one of `config`'s. */
function resumedSweep(state: SweepState, config: SweepConfig): SweepState {
  const done = state.groups.map((g) => g.batchSize);
  const K = sweepModels(config).length;
  if (done.length >= config.batchSizes.length + (state.current ? 0 : 1) || done.some((b, i) => b !== config.batchSizes[i]) || state.runs.length !== done.length * K || (state.current !== null && state.current.params.length !== K)) {
    throw new UserError(`cannot resume this sweep from that state: it holds batch sizes ${done.join(', ') || 'none'} done of ${state.runs.length} configurations, not a prefix of batch sizes ${config.batchSizes.join(', ')} with ${K} configurations each`);
  }
  return copy(state);
}

/** A state whose lists the sweep's later progress does not change. */
function copy(state: SweepState): SweepState {
  return { runs: state.runs.slice(), groups: state.groups.slice(), evalMs: state.evalMs, current: state.current };
}

/** The best configuration: the lowest final training loss among those that did not diverge. */
export function bestRun<R extends Pick<SweepRun, 'diverged' | 'history'>>(runs: readonly R[]): R | undefined {
  return runs.filter((r) => !r.diverged).sort((a, b) => a.history.at(-1)!.loss - b.history.at(-1)!.loss)[0];
}

/**
 * The sweep's record, schema downhill-sweep/1: what `train --sweep --json` writes and the page
 * downloads (the same fields, whoever ran it). `environment` says where it ran (Node's versions,
 * or the browser's user agent); `stoppedMessage` marks a sweep ended early.
 */
export function sweepReport(
  result: SweepResult,
  config: SweepConfig & { task: TrainingData['task']; data: string; backend: string },
  adapter: unknown,
  environment: unknown,
  stoppedMessage?: string,
): Record<string, unknown> {
  const best = bestRun(result.runs);
  return {
    schema: 'downhill-sweep/1', createdAt: new Date().toISOString(), adapter, environment,
    config: {
      task: config.task, lrs: config.lrs, batchSizes: config.batchSizes, optimizers: config.optimizers, epochs: config.epochs, seed: config.seed,
      schedule: config.schedule ?? CONSTANT, constants: config.constants ?? SGD, data: config.data, backend: config.backend,
    },
    ...(stoppedMessage ? { stopped: { reason: 'interrupted', message: stoppedMessage } } : {}),
    groups: result.groups, trainMs: result.trainMs, evalMs: result.evalMs,
    best: best ? { batchSize: best.batchSize, optimizer: best.optimizer, lr: best.lr } : null,
    runs: result.runs.map(({ params: _, ...r }) => r),
  };
}
