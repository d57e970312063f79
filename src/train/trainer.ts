/**
 * The scheduler: drives a Backend through epochs of shuffled batches, records the loss on the
 * whole training set at regular intervals, and keeps two clocks. The training clock runs while
 * steps are shuffled, encoded, submitted and completed; evaluation (the recorded losses) runs
 * on its own clock and is excluded, as in the classic batch-size comparison.
 */
import type { Backend, Evaluation } from '../backend/backend';
import { epochPlan } from './plan';
import { Rng, permutation } from './rng';

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
): Promise<TrainResult> {
  const plan = epochPlan(examples, config.batchSize, config.lr);
  const rng = new Rng(config.seed);
  const history: HistoryPoint[] = [];
  let trainMs = 0;
  let evalMs = 0;
  let steps = 0;
  let samples = 0;

  await backend.setParams(initialParams);
  await backend.setPlan(plan);

  /** first plan step of this epoch not yet covered by a recorded batchLoss */
  let windowFirst = 0;
  const record = async (epoch: number, stepInEpoch: number) => {
    const t0 = performance.now();
    const e: Evaluation = await backend.evaluate('train');
    const point: HistoryPoint = { epoch: samples / examples, step: steps, samples, trainMs, loss: e.loss, accuracy: e.accuracy };
    if (stepInEpoch > windowFirst && backend.batchLoss) point.batchLoss = await backend.batchLoss(windowFirst, stepInEpoch - windowFirst);
    windowFirst = stepInEpoch;
    if (config.recordTest) {
      const t = await backend.evaluate('test');
      point.testLoss = t.loss;
      point.testAccuracy = t.accuracy;
    }
    evalMs += performance.now() - t0;
    history.push(point);
    onProgress({ epoch, epochs: config.epochs, step: stepInEpoch, stepsPerEpoch: plan.length, samples, trainMs, loss: e.loss }, point);
  };

  const marks = config.recordSteps;
  const isRecordStep = (done: number) => (marks ? marks.includes(done) : done % config.recordEvery === 0);
  const untilRecord = (done: number) =>
    marks ? (marks.find((r) => r > done) ?? Infinity) - done : config.recordEvery - (done % config.recordEvery);
  const overBudget = () => config.maxTrainMs !== undefined && trainMs >= config.maxTrainMs;

  await record(0, 0);
  const chunk = progressChunk(plan.length, config.recordEvery);
  for (let epoch = 0; epoch < config.epochs && !overBudget(); epoch++) {
    let t0 = performance.now();
    backend.setOrder(permutation(examples, rng));
    let s = 0;
    windowFirst = 0;
    while (s < plan.length && !overBudget()) {
      const toRecord = untilRecord(steps);
      const count = Math.min(chunk, toRecord, plan.length - s);
      await backend.runSteps(s, count);
      for (let i = s; i < s + count; i++) samples += plan[i]!.size;
      s += count;
      steps += count;
      const now = performance.now();
      trainMs += now - t0;
      t0 = now;
      if (isRecordStep(steps) || s === plan.length || overBudget()) {
        await record(epoch + 1, s);
        t0 = performance.now();
      } else {
        const last = history[history.length - 1]!;
        onProgress({ epoch: epoch + 1, epochs: config.epochs, step: s, stepsPerEpoch: plan.length, samples, trainMs, loss: last.loss });
      }
    }
  }
  const seconds = trainMs / 1000;
  return {
    history,
    params: await backend.getParams(),
    steps,
    samples,
    trainMs,
    evalMs,
    samplesPerSecond: samples / seconds,
    updatesPerSecond: steps / seconds,
  };
}
