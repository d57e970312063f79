/**
 * The scheduler: drives a Backend through epochs of shuffled batches, records the loss on the
 * whole training set at regular intervals, and keeps two clocks. The training clock runs while
 * steps are shuffled, encoded, submitted and completed; evaluation (the recorded losses) runs
 * on its own clock and is excluded, as in the classic batch-size comparison.
 *
 * Reliability lives here too: the run's whole state (TrainState) can be handed to a checkpoint
 * writer at step boundaries and resumed exactly; a stop request (a signal) ends the run at the
 * next step boundary with a last checkpoint; a loss that is not finite ends it at once.
 */
import type { Backend, Evaluation, Step } from '../backend/backend';
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

/** Why a run ended early; `history` is everything recorded before that. */
export class TrainingStopped extends ReportedError {
  override readonly name = 'TrainingStopped';
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

/** Updates between progress callbacks: about 100 per epoch, never more often than each record. */
function progressChunk(stepsPerEpoch: number, recordEvery: number): number {
  return Math.max(1, Math.min(recordEvery, Math.ceil(stepsPerEpoch / 100)));
}

export async function train(
  backend: Backend,
  examples: number,
  initialParams: Float32Array,
  config: TrainConfig,
  onProgress: (p: Progress, recorded?: HistoryPoint) => void = () => {},
  control: TrainControl = {},
): Promise<TrainResult> {
  const plan = epochPlan(examples, config.batchSize, config.lr);
  const resume = control.resume;
  if (resume && (resume.stepInEpoch < 0 || resume.stepInEpoch >= plan.length || resume.epoch < 0)) {
    throw new UserError(`cannot resume at update ${resume.stepInEpoch} of epoch ${resume.epoch}: an epoch has ${plan.length} updates`);
  }
  if (backend.models !== 1) throw new Error(`train runs one configuration; this engine stacks ${backend.models} (trainSweep runs them)`);
  // one configuration whose rates table holds the full scheduled rate (base rate 1)
  await backend.setOptimizers([{ optimizer: config.optimizer ?? SGD, lr: 1 }]);
  await backend.setParams(0, initialParams);
  if (control.optimizerState) await backend.setOptimizerState(0, control.optimizerState);
  await backend.setPlan(plan, () => control.stopRequested?.() !== undefined);
  const run = new Run(backend, examples, plan, config, onProgress, control);
  try {
    await run.all();
  } catch (e) {
    if (e instanceof TrainingStopped) throw e;
    // a GPU fault (or a checkpoint that cannot be written): keep what was recorded
    if (e instanceof ReportedError) throw new TrainingStopped('failed', e.message, run.history, run.steps, e.exitCode, { cause: e });
    throw e;
  }
  const seconds = run.trainMs / 1000;
  return {
    history: run.history,
    params: await backend.getParams(0),
    steps: run.steps,
    samples: run.samples,
    trainMs: run.trainMs,
    evalMs: run.evalMs,
    samplesPerSecond: run.samples / seconds,
    updatesPerSecond: run.steps / seconds,
  };
}

/** One run in progress: its counters, clocks and history, and what it does at each step boundary. */
class Run {
  readonly history: HistoryPoint[];
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
  private readonly resume: TrainState | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly examples: number,
    private readonly plan: readonly Step[],
    private readonly config: TrainConfig,
    private readonly onProgress: (p: Progress, recorded?: HistoryPoint) => void,
    private readonly control: TrainControl,
  ) {
    const resume = (this.resume = control.resume);
    this.rng = new Rng(resume?.rngState ?? config.seed);
    this.history = resume ? resume.history.slice() : [];
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

  /** The current epoch, from its first step or (resuming) where it stopped. */
  private async oneEpoch(): Promise<void> {
    const { backend, plan, config } = this;
    const epoch = this.epoch;
    const chunk = progressChunk(plan.length, config.recordEvery);
    let t0 = performance.now();
    this.epochRng = this.rng.seedState;
    backend.setOrder(config.shuffle === false ? Uint32Array.from({ length: this.examples }, (_, i) => i) : permutation(this.examples, this.rng));
    backend.setRates(epochRates(plan, epoch, config.epochs, config.optimizer ?? SGD, config.schedule ?? CONSTANT));
    let s = 0;
    if (this.resume && epoch === this.resume.epoch) s = this.resume.stepInEpoch;
    else this.windowFirst = 0;
    while (s < plan.length && !this.overBudget()) {
      const count = Math.min(chunk, this.untilRecord(), this.untilCheckpoint(), plan.length - s);
      const [mean] = await backend.runSteps(s, count);
      for (let i = s; i < s + count; i++) this.samples += plan[i]!.size;
      s += count;
      this.steps += count;
      await this.checkFinite(s - count, count, mean!);
      this.trainMs += performance.now() - t0;
      if (this.isRecordStep() || this.isRecordedEpochEnd(s) || this.overBudget()) {
        await this.record(epoch + 1, s);
      } else {
        const last = this.history[this.history.length - 1]!;
        this.onProgress({ epoch: epoch + 1, epochs: config.epochs, step: s, stepsPerEpoch: plan.length, samples: this.samples, trainMs: this.trainMs, loss: last.loss });
      }
      // a stop after the very last update is the caller's to handle: training is complete
      const finished = s === plan.length && epoch + 1 === config.epochs;
      if (!finished) await this.stopIfRequested(s, true);
      if (this.checkpointDue(s)) await this.writeCheckpoint(s);
      t0 = performance.now();
    }
  }

  /** Records the whole training set's loss (and the test set's if asked), off the training clock. */
  private async record(epoch: number, stepInEpoch: number): Promise<void> {
    const { backend, config } = this;
    const t0 = performance.now();
    const e: Evaluation = await backend.evaluate(0, 'train');
    // a loss the kernels' float32 cannot hold (the CPU evaluates in float64) overflows their squared errors at the next update
    if (!(Math.abs(e.loss) / (this.control.lossScale ?? 1) <= FLOAT32_MAX)) {
      const what = `the training-set loss is ${e.loss} at update ${this.steps}${Number.isFinite(e.loss) ? ", beyond float32's range" : ''}`;
      // before any update no rate is to blame: the starting parameters or the data's scale are
      if (this.history.length === 0) throw new TrainingStopped('diverged', `training diverged: ${what}, before any update (not the learning rate's doing: the starting parameters, or the data's scale, are too large for float32)`, this.history, this.steps, 3);
      this.diverged(this.steps, what);
    }
    const point: HistoryPoint = { epoch: this.samples / this.examples, step: this.steps, samples: this.samples, trainMs: this.trainMs, loss: e.loss, accuracy: e.accuracy };
    if (stepInEpoch > this.windowFirst) point.batchLoss = (await backend.batchLoss(this.windowFirst, stepInEpoch - this.windowFirst))[0]!;
    this.windowFirst = stepInEpoch;
    if (config.recordTest) {
      const t = await backend.evaluate(0, 'test');
      point.testLoss = t.loss;
      point.testAccuracy = t.accuracy;
    }
    this.evalMs += performance.now() - t0;
    this.history.push(point);
    this.onProgress({ epoch, epochs: config.epochs, step: stepInEpoch, stepsPerEpoch: this.plan.length, samples: this.samples, trainMs: this.trainMs, loss: e.loss }, point);
  }

  private diverged(step: number, what: string): never {
    const { lr, batchSize, optimizer } = this.config;
    throw new TrainingStopped(
      'diverged',
      `training diverged: ${what}; the learning rate ${shown(lr)} is too large for batch ${batchSize}, ${tryTenthOf(lr, optimizer)}`,
      this.history, step, 3,
    );
  }

  /** After plan steps [s, s + count) ran with mean loss `mean`: stop at the first one whose loss is not finite. */
  private async checkFinite(s: number, count: number, mean: number): Promise<void> {
    if (Number.isFinite(mean)) return;
    for (let i = s; i < s + count; i++) {
      const loss = (await this.backend.batchLoss(i, 1))[0]!;
      const update = this.steps - count + (i - s) + 1;
      if (!Number.isFinite(loss)) this.diverged(update, `the loss became ${loss} at update ${update} (update ${i + 1} of epoch ${this.epoch + 1})`);
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
  private stateAt(s: number): TrainState {
    const { steps, samples, trainMs, evalMs } = this;
    return s === this.plan.length
      ? { epoch: this.epoch + 1, stepInEpoch: 0, steps, samples, trainMs, evalMs, rngState: this.rng.seedState, windowFirst: 0, history: this.history.slice() }
      : { epoch: this.epoch, stepInEpoch: s, steps, samples, trainMs, evalMs, rngState: this.epochRng, windowFirst: this.windowFirst, history: this.history.slice() };
  }

  private async writeCheckpoint(s: number): Promise<void> {
    const ckpt = this.control.checkpoint;
    if (!ckpt) return;
    await ckpt.write(this.stateAt(s), await this.backend.getParams(0), await this.backend.getOptimizerState(0));
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
    throw new TrainingStopped('interrupted', `stopped by ${stop} ${where}`, this.history, this.steps, SIGNAL_EXIT[stop] ?? 1);
  }
}

/** A diverged run's hint: a tenth of the rate (Adam's and RMSprop's default above it), unless float32 cannot hold it (the checks would refuse it). */
export function tryTenthOf(lr: number, optimizer: Optimizer = SGD): string {
  const next = rateToTry(lr, 10, 12, optimizer);
  if (next === null) return NO_SMALLER_RATE;
  return next.adaptive ? `try ${optimizer.kind}'s default (lr ${shown(next.lr)}): ${ADAPTIVE_REASON}` : `try a smaller one (lr ${shown(next.lr)})`;
}
