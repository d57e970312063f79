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
import type { Backend, Evaluation } from '../backend/backend';
import { UserError } from '../errors';
import { type Optimizer, SGD } from '../optim/optimizer';
import { epochRates } from '../optim/rates';
import { CONSTANT, type Schedule } from '../optim/schedule';
import { yieldToEventLoop } from '../event-loop';
import { epochPlan } from './plan';
import { Rng, permutation } from '../rng';

export interface TrainConfig {
  /** examples per update, 1..N */
  batchSize: number;
  epochs: number;
  lr: number;
  seed: number;
  /** updates between two recordings of the training loss (also recorded at each epoch's end) */
  recordEvery: number;
  /** record at exactly these update counts instead of every recordEvery (and at each epoch's end) */
  recordSteps?: readonly number[];
  /** stop after the chunk of updates during which the training clock passes this many ms */
  maxTrainMs?: number;
  /** also record loss and accuracy on the test set at each recording */
  recordTest?: boolean;
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
}

/** Why a run ended early; `history` is everything recorded before that. */
export class TrainingStopped extends UserError {
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
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

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
  const rng = new Rng(resume?.rngState ?? config.seed);
  const history: HistoryPoint[] = resume ? resume.history.slice() : [];
  let trainMs = resume?.trainMs ?? 0;
  let evalMs = resume?.evalMs ?? 0;
  let steps = resume?.steps ?? 0;
  let samples = resume?.samples ?? 0;
  /** first plan step of this epoch not yet covered by a recorded batchLoss */
  // the examples' losses before a resume were not checkpointed (they stay where the steps ran): the
  // first running batch loss after a resume covers the updates since the resume only
  let windowFirst = resume ? Math.max(resume.windowFirst, resume.stepInEpoch) : 0;

  const optimizer = config.optimizer ?? SGD;
  const schedule = config.schedule ?? CONSTANT;
  if (backend.models !== 1) throw new Error(`train runs one configuration; this engine stacks ${backend.models} (trainSweep runs them)`);
  // one configuration whose rates table holds the full scheduled rate (base rate 1)
  await backend.setOptimizers([{ optimizer, lr: 1 }]);
  await backend.setParams(0, initialParams);
  if (control.optimizerState) await backend.setOptimizerState(0, control.optimizerState);
  await backend.setPlan(plan, () => control.stopRequested?.() !== undefined);

  const record = async (epoch: number, stepInEpoch: number) => {
    const t0 = performance.now();
    const e: Evaluation = await backend.evaluate(0, 'train');
    if (!Number.isFinite(e.loss)) diverged(steps, `the training-set loss is ${e.loss} at update ${steps}`);
    const point: HistoryPoint = { epoch: samples / examples, step: steps, samples, trainMs, loss: e.loss, accuracy: e.accuracy };
    if (stepInEpoch > windowFirst) point.batchLoss = (await backend.batchLoss(windowFirst, stepInEpoch - windowFirst))[0]!;
    windowFirst = stepInEpoch;
    if (config.recordTest) {
      const t = await backend.evaluate(0, 'test');
      point.testLoss = t.loss;
      point.testAccuracy = t.accuracy;
    }
    evalMs += performance.now() - t0;
    history.push(point);
    onProgress({ epoch, epochs: config.epochs, step: stepInEpoch, stepsPerEpoch: plan.length, samples, trainMs, loss: e.loss }, point);
  };

  const diverged = (step: number, what: string): never => {
    throw new TrainingStopped(
      'diverged',
      `training diverged: ${what}; the learning rate ${config.lr} is too large for batch ${config.batchSize}, try a smaller one (--lr ${Number((config.lr / 10).toPrecision(12))})`,
      history, step, 3,
    );
  };
  /** After steps [s, s + count) ran with mean loss `mean`: stop at the first one whose loss is not finite. */
  const checkFinite = async (s: number, count: number, mean: number | undefined) => {
    if (mean === undefined || Number.isFinite(mean)) return;
    for (let i = s; i < s + count; i++) {
      const loss = (await backend.batchLoss(i, 1))[0]!;
      if (!Number.isFinite(loss)) diverged(steps - count + (i - s) + 1, `the loss became ${loss} at update ${steps - count + (i - s) + 1} (update ${i + 1} of epoch ${stateEpoch + 1})`);
    }
  };

  const marks = config.recordSteps;
  const isRecordStep = (done: number) => (marks ? marks.includes(done) : done % config.recordEvery === 0);
  const untilRecord = (done: number) =>
    marks ? (marks.find((r) => r > done) ?? Infinity) - done : config.recordEvery - (done % config.recordEvery);
  const overBudget = () => config.maxTrainMs !== undefined && trainMs >= config.maxTrainMs;

  // checkpoints: the state at the current step boundary
  const ckpt = control.checkpoint;
  let stateEpoch = resume?.epoch ?? 0;
  let epochRng = rng.seedState;
  let lastCheckpointSteps = steps;
  let lastCheckpointAt = performance.now();
  const stateAt = (s: number): TrainState =>
    s === plan.length
      ? { epoch: stateEpoch + 1, stepInEpoch: 0, steps, samples, trainMs, evalMs, rngState: rng.seedState, windowFirst: 0, history: history.slice() }
      : { epoch: stateEpoch, stepInEpoch: s, steps, samples, trainMs, evalMs, rngState: epochRng, windowFirst, history: history.slice() };
  const writeCheckpoint = async (s: number) => {
    if (!ckpt) return;
    await ckpt.write(stateAt(s), await backend.getParams(0), await backend.getOptimizerState(0));
    lastCheckpointSteps = steps;
    lastCheckpointAt = performance.now();
  };
  const checkpointDue = (s: number) =>
    ckpt !== undefined && steps > lastCheckpointSteps &&
    (s === plan.length || overBudget() || (ckpt.everySteps !== undefined && steps - lastCheckpointSteps >= ckpt.everySteps) || (ckpt.everyMs !== undefined && performance.now() - lastCheckpointAt >= ckpt.everyMs));
  const untilCheckpoint = () => (ckpt?.everySteps !== undefined ? ckpt.everySteps - (steps - lastCheckpointSteps) : Infinity);

  /** Stops here if asked to: after steps ran, with a checkpoint of the state at plan step s. */
  const stopIfRequested = async (s: number, ranSteps: boolean) => {
    await yieldToEventLoop();
    const stop = control.stopRequested?.();
    if (!stop) return;
    if (ranSteps) await writeCheckpoint(s);
    const where = ranSteps ? `after update ${steps}` : `before its first update${resume ? ` (at update ${steps}, where it resumed)` : ''}`;
    throw new TrainingStopped('interrupted', `stopped by ${stop} ${where}`, history, steps, SIGNAL_EXIT[stop] ?? 1);
  };

  try {
    await stopIfRequested(0, false);
    if (!resume) await record(0, 0);
    const chunk = progressChunk(plan.length, config.recordEvery);
    for (; stateEpoch < config.epochs && !overBudget(); stateEpoch++) {
      const epoch = stateEpoch;
      let t0 = performance.now();
      epochRng = rng.seedState;
      backend.setOrder(permutation(examples, rng));
      backend.setRates(epochRates(plan, epoch, config.epochs, optimizer, schedule));
      let s = 0;
      if (resume && epoch === resume.epoch) s = resume.stepInEpoch;
      else windowFirst = 0;
      while (s < plan.length && !overBudget()) {
        const count = Math.min(chunk, untilRecord(steps), untilCheckpoint(), plan.length - s);
        const [mean] = await backend.runSteps(s, count);
        for (let i = s; i < s + count; i++) samples += plan[i]!.size;
        s += count;
        steps += count;
        await checkFinite(s - count, count, mean);
        const now = performance.now();
        trainMs += now - t0;
        if (isRecordStep(steps) || s === plan.length || overBudget()) {
          await record(epoch + 1, s);
        } else {
          const last = history[history.length - 1]!;
          onProgress({ epoch: epoch + 1, epochs: config.epochs, step: s, stepsPerEpoch: plan.length, samples, trainMs, loss: last.loss });
        }
        // a stop after the very last update is the caller's to handle: training is complete
        const finished = s === plan.length && epoch + 1 === config.epochs;
        if (!finished) await stopIfRequested(s, true);
        if (checkpointDue(s)) await writeCheckpoint(s);
        t0 = performance.now();
      }
    }
  } catch (e) {
    if (e instanceof TrainingStopped) throw e;
    // a GPU fault (or a checkpoint that cannot be written): keep what was recorded
    if (e instanceof UserError) throw new TrainingStopped('failed', e.message, history, steps, e.exitCode, { cause: e });
    throw e;
  }
  const seconds = trainMs / 1000;
  return {
    history,
    params: await backend.getParams(0),
    steps,
    samples,
    trainMs,
    evalMs,
    samplesPerSecond: samples / seconds,
    updatesPerSecond: steps / seconds,
  };
}
