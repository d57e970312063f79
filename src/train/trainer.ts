/**
 * The driver: drives a Backend through epochs of shuffled batches for K stacked configurations
 * that share a batch size (K = 1: a run; K > 1: one batch size of a sweep, src/train/sweep.ts),
 * records each one's loss on the whole training set at regular intervals, and keeps two clocks. The training clock runs while
 * steps are shuffled, encoded, submitted and completed; evaluation (the recorded losses) runs
 * on its own clock and is excluded, as in the classic batch-size comparison.
 *
 * Reliability lives here too: the run's whole state (TrainState) can be handed to a checkpoint
 * writer at step boundaries and resumed exactly; a stop request (a signal) ends the run at the
 * next step boundary with a last checkpoint; a loss that is not finite ends a run at once, and
 * marks that configuration diverged in a stack, whose others go on.
 */
import type { Backend, ModelConfig, Step } from '../backend/backend';
import { ReportedError, UserError } from '../errors';
import { type Optimizer, SGD } from '../optim/optimizer';
import { epochRates } from '../optim/rates';
import { CONSTANT, type Schedule } from '../optim/schedule';
import { yieldToEventLoop } from '../event-loop';
import { epochPlan } from './plan';
import { Rng, permutation } from '../rng';
import { ADAPTIVE_REASON, NO_SMALLER_RATE, rateToTry } from './options';
import { FLOAT32_MAX, shown } from '../format';

export interface TrainConfig {
  /** examples per update, 1..N */
  batchSize: number;
  epochs: number;
  lr: number;
  seed: number;
  /**
   * updates between two recordings of the training loss (also recorded at each epoch's end while
   * that is no longer than an epoch; longer intervals span epochs, and the last update is recorded)
   */
  recordEvery: number;
  /** record at exactly these update counts instead of every recordEvery (and at each epoch's end) */
  recordSteps?: readonly number[];
  /** stop after the chunk of updates during which the training clock passes this many ms */
  maxTrainMs?: number;
  /** also record loss and accuracy on the test set at each recording */
  recordTest?: boolean;
  /** draw a new order of the examples each epoch (default true); false: every epoch in data order */
  shuffle?: boolean;
  /** how gradients become updates (default plain SGD) */
  optimizer?: Optimizer;
  /** how the rate changes over the run (default constant) */
  schedule?: Schedule;
}

export interface HistoryPoint {
  /** samples / N: fractional epochs done */
  epoch: number;
  /** updates done */
  step: number;
  samples: number;
  /** training time so far, evaluation excluded */
  trainMs: number;
  /** mean cross-entropy on the whole training set */
  loss: number;
  /**
   * mean cross-entropy of the mini-batches since the previous recording, each taken before its
   * update (the noisy running loss most frameworks print); absent at step 0 and for backends
   * that do not keep it
   */
  batchLoss?: number;
  /** accuracy on the whole training set */
  accuracy: number;
  /** on the test set, when recordTest is set */
  testLoss?: number;
  testAccuracy?: number;
}

export interface Progress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  samples: number;
  trainMs: number;
  /** last recorded training loss */
  loss: number;
}

/**
 * Everything needed to continue a run exactly where it stopped (with the parameters, kept
 * apart): the position in the plan, the counters and clocks, the RNG state from which the
 * current epoch's order was drawn, and the history so far.
 */
export interface TrainState {
  /** epochs completed (the current epoch's index) */
  epoch: number;
  /** updates done in the current epoch, 0 ≤ stepInEpoch < steps per epoch */
  stepInEpoch: number;
  steps: number;
  samples: number;
  trainMs: number;
  evalMs: number;
  /** Rng state before the current epoch's permutation was drawn */
  rngState: number;
  /** first update of the current epoch not yet covered by a recorded batchLoss */
  windowFirst: number;
  history: HistoryPoint[];
}

/** A stack's TrainState: each configuration's history, and which of them diverged. */
export interface StackState extends Omit<TrainState, 'history'> {
  histories: HistoryPoint[][];
  diverged: boolean[];
}

export interface TrainControl {
  /** continue from this state (its parameters are the initial ones passed to train) */
  resume?: TrainState;
  /** with resume: the optimiser's state arrays as checkpointed */
  optimizerState?: readonly Float32Array[];
  /**
   * called with a consistent state and its parameters at step boundaries: every `everySteps`
   * updates, when `everyMs` of wall time have passed since the last call, at each epoch's end,
   * when the time budget ends the run, and when a stop is requested; never once the loss is not
   * finite, so a good checkpoint is never replaced by a diverged one
   */
  checkpoint?: { everySteps?: number; everyMs?: number; write: (state: TrainState, params: Float32Array, optimizerState: Float32Array[]) => Promise<void> | void };
  /** polled at step boundaries: a reason (e.g. 'SIGINT') stops the run there */
  stopRequested?: () => string | undefined;
  /** the recorded loss over the loss the kernels compute in float32 (a standardised target's variance; 1 by default) */
  lossScale?: number;
}

/** A stack's control: TrainControl for K configurations at once (their parameters and optimiser state are in their StackedConfig). */
export interface StackControl {
  resume?: StackState;
  /** as TrainControl's, with every configuration's parameters and optimiser state, k by k */
  checkpoint?: { everySteps?: number; everyMs?: number; write: (state: StackState, params: Float32Array[], optimizerStates: Float32Array[][]) => Promise<void> | void };
  stopRequested?: () => string | undefined;
  /**
   * what a loss that is not finite does: 'stop' ends the run with TrainingStopped 'diverged' (the
   * default for K = 1); 'mark' marks that configuration diverged and the others go on (K > 1)
   */
  divergence?: 'stop' | 'mark';
  /** the recorded loss over the loss the kernels compute in float32 (a standardised target's variance; 1 by default) */
  lossScale?: number;
}

/** One of the K stacked configurations: how it learns, and where it starts (resuming: its checkpointed parameters and optimiser state). */
export interface StackedConfig extends ModelConfig {
  params: Float32Array;
  optimizerState?: readonly Float32Array[];
}

/** What the K stacked configurations share: all of TrainConfig but the rate and the optimiser. */
export type SharedConfig = Omit<TrainConfig, 'lr' | 'optimizer'>;

/** Why a run ended early; `history` is everything recorded before that (`stacked`: a stack's, each configuration's). */
export class TrainingStopped extends ReportedError {
  override readonly name = 'TrainingStopped';
  /** set by trainStack: every configuration's history, which diverged, and the clocks so far */
  stacked?: Pick<StackResult, 'histories' | 'diverged' | 'trainMs' | 'evalMs'>;
  constructor(
    readonly reason: 'interrupted' | 'diverged' | 'failed',
    message: string,
    readonly history: HistoryPoint[],
    /** updates completed (for 'diverged': the update whose loss was not finite) */
    readonly step: number,
    override readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** exit code for a stop by signal: 128 + its number */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface TrainResult {
  history: HistoryPoint[];
  params: Float32Array;
  steps: number;
  samples: number;
  trainMs: number;
  evalMs: number;
  samplesPerSecond: number;
  updatesPerSecond: number;
}

/** A stack's TrainResult: each configuration's history and parameters, and which diverged. */
export interface StackResult extends Omit<TrainResult, 'history' | 'params'> {
  histories: HistoryPoint[][];
  params: Float32Array[];
  diverged: boolean[];
}

/** Updates between progress callbacks: about 100 per epoch, never more often than each record. */
function progressChunk(stepsPerEpoch: number, recordEvery: number): number {
  return Math.max(1, Math.min(recordEvery, Math.ceil(stepsPerEpoch / 100)));
}

/** One configuration's run: trainStack with K = 1, whose loss that is not finite ends it. */
export async function train(
  backend: Backend,
  examples: number,
  initialParams: Float32Array,
  config: TrainConfig,
  onProgress: (p: Progress, recorded?: HistoryPoint) => void = () => {},
  control: TrainControl = {},
): Promise<TrainResult> {
  const { lr, optimizer = SGD, ...shared } = config;
  const { checkpoint, resume } = control;
  const r = await trainStack(backend, examples, [{ optimizer, lr, params: initialParams, optimizerState: control.optimizerState }], shared, (p, recorded) => onProgress(p, recorded?.[0]), {
    resume: resume && { ...resume, histories: [resume.history], diverged: [false] },
    checkpoint: checkpoint && { ...checkpoint, write: (state, params, states) => checkpoint.write(runState(state), params[0]!, states[0]!) },
    stopRequested: control.stopRequested,
    divergence: 'stop',
    lossScale: control.lossScale,
  });
  const { histories: [history], params: [params], diverged: _, ...counts } = r;
  return { history: history!, params: params!, ...counts };
}

/** A stack's state of one configuration as a run's (the same keys, in the same order). */
function runState({ histories, diverged: _, ...position }: StackState): TrainState {
  return { ...position, history: histories[0]! };
}

/**
 * K configurations trained side by side on `backend` (which stacks K): the same plan, order and
 * schedule, each with its own optimiser, rate, parameters and history.
 */
export async function trainStack(
  backend: Backend,
  examples: number,
  configs: readonly StackedConfig[],
  shared: SharedConfig,
  onProgress: (p: Progress, recorded?: readonly HistoryPoint[]) => void = () => {},
  control: StackControl = {},
): Promise<StackResult> {
  const plan = epochPlan(examples, shared.batchSize);
  const resume = control.resume;
  if (resume && (resume.stepInEpoch < 0 || resume.stepInEpoch >= plan.length || resume.epoch < 0)) {
    throw new UserError(`cannot resume at update ${resume.stepInEpoch} of epoch ${resume.epoch}: an epoch has ${plan.length} updates`);
  }
  if (backend.models !== configs.length) throw new Error(`${configs.length} configurations for an engine that stacks ${backend.models}`);
  await backend.setOptimizers(configs.map(({ optimizer, lr }) => ({ optimizer, lr })));
  for (const [k, c] of configs.entries()) {
    await backend.setParams(k, c.params);
    if (c.optimizerState) await backend.setOptimizerState(k, c.optimizerState);
  }
  await backend.setPlan(plan, () => control.stopRequested?.() !== undefined);
  const run = new Run(backend, examples, plan, configs, shared, onProgress, control);
  try {
    await run.all();
  } catch (e) {
    if (e instanceof TrainingStopped) throw e;
    // a GPU fault (or a checkpoint that cannot be written): keep what was recorded
    if (e instanceof ReportedError) throw run.stopped('failed', e.message, run.steps, e.exitCode, { cause: e });
    throw e;
  }
  const seconds = run.trainMs / 1000;
  return {
    histories: run.histories,
    params: await run.allParams(),
    diverged: run.diverged,
    steps: run.steps,
    samples: run.samples,
    trainMs: run.trainMs,
    evalMs: run.evalMs,
    samplesPerSecond: run.samples / seconds,
    updatesPerSecond: run.steps / seconds,
  };
}

/** One run of K stacked configurations in progress: its counters, clocks and histories, and what it does at each step boundary. */
class Run {
  readonly histories: HistoryPoint[][];
  readonly diverged: boolean[];
  trainMs: number;
  evalMs: number;
  steps: number;
  samples: number;
  /**
   * First plan step of this epoch not yet covered by a recorded batchLoss. The examples' losses
   * before a resume were not checkpointed (they stay where the steps ran): the first running batch
   * loss after a resume covers the updates since the resume only.
   */
  private windowFirst: number;
  private readonly rng: Rng;
  /** the epoch being run, and the Rng state its order was drawn from */
  private epoch: number;
  private epochRng: number;
  private lastCheckpointSteps: number;
  private lastCheckpointAt = performance.now();
  private readonly resume: StackState | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly examples: number,
    private readonly plan: readonly Step[],
    private readonly configs: readonly StackedConfig[],
    private readonly config: SharedConfig,
    private readonly onProgress: (p: Progress, recorded?: readonly HistoryPoint[]) => void,
    private readonly control: StackControl,
  ) {
    const resume = (this.resume = control.resume);
    this.rng = new Rng(resume?.rngState ?? config.seed);
    this.histories = configs.map((_, k) => resume?.histories[k]?.slice() ?? []);
    this.diverged = configs.map((_, k) => resume?.diverged[k] ?? false);
    this.trainMs = resume?.trainMs ?? 0;
    this.evalMs = resume?.evalMs ?? 0;
    this.steps = resume?.steps ?? 0;
    this.samples = resume?.samples ?? 0;
    this.windowFirst = resume ? Math.max(resume.windowFirst, resume.stepInEpoch) : 0;
    this.epoch = resume?.epoch ?? 0;
    this.epochRng = this.rng.seedState;
    this.lastCheckpointSteps = this.steps;
  }

  async all(): Promise<void> {
    await this.stopIfRequested(0, false);
    if (!this.resume) await this.record(0, 0);
    for (; this.epoch < this.config.epochs && !this.overBudget(); this.epoch++) await this.oneEpoch();
  }

  async allParams(): Promise<Float32Array[]> {
    const params: Float32Array[] = [];
    for (let k = 0; k < this.configs.length; k++) params.push(await this.backend.getParams(k));
    return params;
  }

  /** A TrainingStopped carrying the stack so far. */
  stopped(reason: TrainingStopped['reason'], message: string, step: number, exitCode: number, options?: ErrorOptions): TrainingStopped {
    const e = new TrainingStopped(reason, message, this.histories[0]!, step, exitCode, options);
    e.stacked = { histories: this.histories, diverged: this.diverged, trainMs: this.trainMs, evalMs: this.evalMs };
    return e;
  }

  /** The current epoch, from its first step or (resuming) where it stopped. */
  private async oneEpoch(): Promise<void> {
    const { backend, plan, config } = this;
    const epoch = this.epoch;
    const chunk = progressChunk(plan.length, config.recordEvery);
    let t0 = performance.now();
    this.epochRng = this.rng.seedState;
    backend.setOrder(config.shuffle === false ? Uint32Array.from({ length: this.examples }, (_, i) => i) : permutation(this.examples, this.rng));
    backend.setRates(epochRates(plan.length, epoch, config.epochs, this.configs, config.schedule ?? CONSTANT));
    let s = 0;
    if (this.resume && epoch === this.resume.epoch) s = this.resume.stepInEpoch;
    else this.windowFirst = 0;
    while (s < plan.length && !this.overBudget()) {
      const count = Math.min(chunk, this.untilRecord(), this.untilCheckpoint(), plan.length - s);
      const means = await backend.runSteps(s, count);
      for (let i = s; i < s + count; i++) this.samples += plan[i]!.size;
      s += count;
      this.steps += count;
      await this.checkFinite(s - count, count, means);
      this.trainMs += performance.now() - t0;
      if (this.isRecordStep() || this.isRecordedEpochEnd(s) || this.overBudget()) {
        await this.record(epoch + 1, s);
      } else {
        const last = this.histories[0]!.at(-1)!;
        this.onProgress({ epoch: epoch + 1, epochs: config.epochs, step: s, stepsPerEpoch: plan.length, samples: this.samples, trainMs: this.trainMs, loss: last.loss });
      }
      // a stop after the very last update is the caller's to handle: training is complete
      const finished = s === plan.length && epoch + 1 === config.epochs;
      if (!finished) await this.stopIfRequested(s, true);
      if (this.checkpointDue(s)) await this.writeCheckpoint(s);
      t0 = performance.now();
    }
  }

  /** Records each configuration's loss on the whole training set (and the test set's if asked), off the training clock. */
  private async record(epoch: number, stepInEpoch: number): Promise<void> {
    const { backend, config } = this;
    const t0 = performance.now();
    const batchLosses = stepInEpoch > this.windowFirst ? await backend.batchLoss(this.windowFirst, stepInEpoch - this.windowFirst) : undefined;
    this.windowFirst = stepInEpoch;
    const points: HistoryPoint[] = [];
    for (let k = 0; k < this.configs.length; k++) {
      const e = await backend.evaluate(k, 'train');
      // a loss the kernels' float32 cannot hold (the CPU evaluates in float64) overflows their squared errors at the next update
      if (!(Math.abs(e.loss) / (this.control.lossScale ?? 1) <= FLOAT32_MAX)) this.lossOutOfRange(k, e.loss);
      const point: HistoryPoint = { epoch: this.samples / this.examples, step: this.steps, samples: this.samples, trainMs: this.trainMs, loss: e.loss, accuracy: e.accuracy };
      if (batchLosses) point.batchLoss = batchLosses[k]!;
      if (config.recordTest) {
        const t = await backend.evaluate(k, 'test');
        point.testLoss = t.loss;
        point.testAccuracy = t.accuracy;
      }
      points.push(point);
    }
    this.evalMs += performance.now() - t0;
    points.forEach((point, k) => this.histories[k]!.push(point));
    this.onProgress({ epoch, epochs: config.epochs, step: stepInEpoch, stepsPerEpoch: this.plan.length, samples: this.samples, trainMs: this.trainMs, loss: points[0]!.loss }, points);
  }

  /** Configuration k's recorded loss is beyond float32's range: before any update no rate is to blame (the starting parameters or the data's scale are). */
  private lossOutOfRange(k: number, loss: number): void {
    const what = `the training-set loss is ${loss} at update ${this.steps}${Number.isFinite(loss) ? ", beyond float32's range" : ''}`;
    if (this.histories[k]!.length === 0 && this.configs.length === 1) {
      throw this.stopped('diverged', `training diverged: ${what}, before any update (not the learning rate's doing: the starting parameters, or the data's scale, are too large for float32)`, this.steps, 3);
    }
    this.divergedAt(k, this.steps, what);
  }

  /** Configuration k's loss is not finite: the run ends (divergence 'stop'), or k is marked and the others go on. */
  private divergedAt(k: number, step: number, what: string): void {
    if ((this.control.divergence ?? (this.configs.length === 1 ? 'stop' : 'mark')) === 'mark') {
      this.diverged[k] = true;
      return;
    }
    const { lr, optimizer } = this.configs[k]!;
    throw this.stopped('diverged', `training diverged: ${what}; the learning rate ${shown(lr)} is too large for batch ${this.config.batchSize}, ${tryTenthOf(lr, optimizer)}`, step, 3);
  }

  /** After plan steps [s, s + count) ran with each configuration's mean loss `means`: at the first one whose loss is not finite. */
  private async checkFinite(s: number, count: number, means: readonly number[]): Promise<void> {
    for (const [k, mean] of means.entries()) {
      if (Number.isFinite(mean) || this.diverged[k]) continue;
      for (let i = s; i < s + count; i++) {
        const loss = (await this.backend.batchLoss(i, 1))[k]!;
        const update = this.steps - count + (i - s) + 1;
        if (!Number.isFinite(loss)) {
          this.divergedAt(k, update, `the loss became ${loss} at update ${update} (update ${i + 1} of epoch ${this.epoch + 1})`);
          break;
        }
      }
    }
  }

  /** Epoch ends are recorded unless recordings are further apart than an epoch (then only the run's last). */
  private isRecordedEpochEnd(s: number): boolean {
    if (s !== this.plan.length) return false;
    return this.config.recordSteps !== undefined || this.config.recordEvery <= this.plan.length || this.epoch + 1 === this.config.epochs;
  }

  private isRecordStep(): boolean {
    const marks = this.config.recordSteps;
    return marks ? marks.includes(this.steps) : this.steps % this.config.recordEvery === 0;
  }

  private untilRecord(): number {
    const marks = this.config.recordSteps;
    return marks ? (marks.find((r) => r > this.steps) ?? Infinity) - this.steps : this.config.recordEvery - (this.steps % this.config.recordEvery);
  }

  private overBudget(): boolean {
    return this.config.maxTrainMs !== undefined && this.trainMs >= this.config.maxTrainMs;
  }

  /** The whole state at the boundary before plan step s of the current epoch. */
  private stateAt(s: number): StackState {
    const { steps, samples, trainMs, evalMs } = this;
    const histories = this.histories.map((h) => h.slice());
    const diverged = this.diverged.slice();
    return s === this.plan.length
      ? { epoch: this.epoch + 1, stepInEpoch: 0, steps, samples, trainMs, evalMs, rngState: this.rng.seedState, windowFirst: 0, histories, diverged }
      : { epoch: this.epoch, stepInEpoch: s, steps, samples, trainMs, evalMs, rngState: this.epochRng, windowFirst: this.windowFirst, histories, diverged };
  }

  private async writeCheckpoint(s: number): Promise<void> {
    const ckpt = this.control.checkpoint;
    if (!ckpt) return;
    const states: Float32Array[][] = [];
    for (let k = 0; k < this.configs.length; k++) states.push(await this.backend.getOptimizerState(k));
    await ckpt.write(this.stateAt(s), await this.allParams(), states);
    this.lastCheckpointSteps = this.steps;
    this.lastCheckpointAt = performance.now();
  }

  private checkpointDue(s: number): boolean {
    const ckpt = this.control.checkpoint;
    if (!ckpt || this.steps <= this.lastCheckpointSteps) return false;
    const bySteps = ckpt.everySteps !== undefined && this.steps - this.lastCheckpointSteps >= ckpt.everySteps;
    const byTime = ckpt.everyMs !== undefined && performance.now() - this.lastCheckpointAt >= ckpt.everyMs;
    return s === this.plan.length || this.overBudget() || bySteps || byTime;
  }

  private untilCheckpoint(): number {
    const every = this.control.checkpoint?.everySteps;
    return every !== undefined ? every - (this.steps - this.lastCheckpointSteps) : Infinity;
  }

  /** Stops here if asked to: after steps ran, with a checkpoint of the state at plan step s. */
  private async stopIfRequested(s: number, ranSteps: boolean): Promise<void> {
    await yieldToEventLoop();
    const stop = this.control.stopRequested?.();
    if (!stop) return;
    if (ranSteps) await this.writeCheckpoint(s);
    const where = ranSteps ? `after update ${this.steps}` : `before its first update${this.resume ? ` (at update ${this.steps}, where it resumed)` : ''}`;
    throw this.stopped('interrupted', `stopped by ${stop} ${where}`, this.steps, SIGNAL_EXIT[stop] ?? 1);
  }
}

/** A diverged run's hint: a tenth of the rate (Adam's and RMSprop's default above it), unless float32 cannot hold it (the checks would refuse it). */
export function tryTenthOf(lr: number, optimizer: Optimizer = SGD): string {
  const next = rateToTry(lr, 10, 12, optimizer);
  if (next === null) return NO_SMALLER_RATE;
  return next.adaptive ? `try ${optimizer.kind}'s default (lr ${shown(next.lr)}): ${ADAPTIVE_REASON}` : `try a smaller one (lr ${shown(next.lr)})`;
}
