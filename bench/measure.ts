/**
 * The two measurements of one engine at one batch size.
 *
 * Throughput: after a warm-up, repeated timed runs of K consecutive training steps, each timed
 * from the first encode to completion (the backend's runSteps resolves only when the work is
 * done); samples/s as median and spread over the repetitions.
 *
 * Curve: a training run from zero weights under a wall-time budget, recording loss and accuracy
 * on the whole training set and the test set at log-spaced update counts; evaluation is off the
 * training clock. Times and samples to the targets are read off the recorded points.
 */
import type { Backend } from '../src/backend/backend';
import { paramLayout, zeroParams } from '../src/model';
import { epochPlan } from '../src/train/plan';
import { Rng, permutation } from '../src/train/rng';
import { type HistoryPoint, type TrainConfig, train } from '../src/train/trainer';
import { type Summary, logSpacedSteps, summarize } from './stats';

export interface ThroughputOptions {
  warmupMs: number;
  /** target duration of one timed repetition */
  repMs: number;
  reps: number;
  /** stop repeating after this long: at least 3 repetitions are made, unless one repetition
   *  alone takes over a third of it (a peer needing a minute per full-batch step), then 1 */
  maxMs: number;
}

export interface Throughput {
  /** how the engine ran the steps (e.g. downhill's kernel variant and why), when it says */
  variant?: string;
  stepsPerRep: number;
  samplesPerSecond: Summary;
  updatesPerSecond: Summary;
  /** N / median samples/s */
  epochMs: number;
}

export async function measureThroughput(backend: Backend, examples: number, features: number, batchSize: number, lr: number, seed: number, o: ThroughputOptions): Promise<Throughput> {
  const plan = epochPlan(examples, batchSize, lr);
  await backend.setParams(zeroParams(paramLayout(features)));
  await backend.setPlan(plan, () => false);
  backend.setOrder(permutation(examples, new Rng(seed)));
  let next = 0;
  // runs `count` steps, wrapping around the epoch; returns elapsed ms and samples
  const run = async (count: number) => {
    let samples = 0;
    const t0 = performance.now();
    for (let left = count; left > 0; ) {
      const n = Math.min(left, plan.length - next);
      await backend.runSteps(next, n);
      for (let s = next; s < next + n; s++) samples += plan[s]!.size;
      next = (next + n) % plan.length;
      left -= n;
    }
    return { ms: performance.now() - t0, samples };
  };
  // warm-up: at least two steps (the first compiles and uploads), unless one already took maxMs / 3
  let warm = { steps: 0, ms: 0 };
  while (warm.ms < o.warmupMs || (warm.steps < 2 && warm.ms < o.maxMs / 3)) {
    const n = Math.max(1, warm.steps);
    warm = { steps: warm.steps + n, ms: warm.ms + (await run(n)).ms };
  }
  const stepMs = warm.ms / warm.steps;
  const stepsPerRep = Math.max(1, Math.round(o.repMs / stepMs));
  const minReps = stepMs * stepsPerRep > o.maxMs / 3 ? 1 : 3;
  const samplesPerSecond: number[] = [];
  const updatesPerSecond: number[] = [];
  const started = performance.now();
  while (samplesPerSecond.length < o.reps && (samplesPerSecond.length < minReps || performance.now() - started < o.maxMs)) {
    const r = await run(stepsPerRep);
    samplesPerSecond.push(r.samples / (r.ms / 1000));
    updatesPerSecond.push(stepsPerRep / (r.ms / 1000));
  }
  const sps = summarize(samplesPerSecond);
  return { variant: backend.variant, stepsPerRep, samplesPerSecond: sps, updatesPerSecond: summarize(updatesPerSecond), epochMs: (examples / sps.median) * 1000 };
}

/** Default targets of "time to target": training loss 0.35, test accuracy 90%. */
export const DEFAULT_TARGETS = { loss: 0.35, accuracy: 0.9 } as const;

export interface CurveOptions {
  /** wall-time budget of training, or undefined to train maxEpochs epochs */
  budgetMs?: number;
  points: number;
  maxEpochs: number;
}

export interface Reached {
  /** where the target was crossed, interpolated linearly between the two recorded points around it */
  trainMs: number;
  samples: number;
  step: number;
  /** the recorded points just before and at the crossing (the interpolation's bounds) */
  before: { trainMs: number; samples: number; step: number } | null;
  after: { trainMs: number; samples: number; step: number };
}

export interface Curve {
  history: HistoryPoint[];
  trainMs: number;
  evalMs: number;
  /** first recorded point at or below the target training loss, or null: not reached */
  toTargetLoss: Reached | null;
  /** first recorded point at or above the target test accuracy, or null: not reached */
  toTargetAccuracy: Reached | null;
}

/**
 * The first crossing of a target by `value` (falling to `target` when `falling`, else rising),
 * interpolated linearly between the recorded points around it; null when never reached.
 */
export function firstReached(history: readonly HistoryPoint[], value: (p: HistoryPoint) => number | undefined, target: number, falling: boolean): Reached | null {
  const hit = (p: HistoryPoint) => {
    const v = value(p);
    return v !== undefined && (falling ? v <= target : v >= target);
  };
  const i = history.findIndex(hit);
  if (i < 0) return null;
  const at = history[i]!;
  const pick = (p: HistoryPoint) => ({ trainMs: p.trainMs, samples: p.samples, step: p.step });
  if (i === 0) return { ...pick(at), before: null, after: pick(at) };
  const prev = history[i - 1]!;
  const [v0, v1] = [value(prev)!, value(at)!];
  const f = v1 === v0 ? 1 : (target - v0) / (v1 - v0);
  const lerp = (a: number, b: number) => a + (b - a) * f;
  return { trainMs: lerp(prev.trainMs, at.trainMs), samples: lerp(prev.samples, at.samples), step: lerp(prev.step, at.step), before: pick(prev), after: pick(at) };
}

export async function measureCurve(
  backend: Backend, examples: number, features: number, batchSize: number, lr: number, seed: number,
  expectedUpdatesPerSecond: number, targets: { loss: number; accuracy: number }, o: CurveOptions,
  onRecord: (history: readonly HistoryPoint[]) => void = () => {},
  method: Pick<TrainConfig, 'optimizer' | 'schedule'> = {},
  /** initial parameters; default the classifier's zeros for `features` */
  initial: Float32Array = zeroParams(paramLayout(features)),
): Promise<Curve> {
  const stepsPerEpoch = Math.ceil(examples / batchSize);
  const byTime = o.budgetMs === undefined ? Infinity : Math.max(1, Math.ceil((expectedUpdatesPerSecond * o.budgetMs) / 1000));
  const expectedSteps = Math.min(o.maxEpochs * stepsPerEpoch, byTime);
  const live: HistoryPoint[] = [];
  const r = await train(backend, examples, initial, {
    batchSize, lr, seed, epochs: o.maxEpochs, recordEvery: Number.MAX_SAFE_INTEGER,
    recordSteps: logSpacedSteps(expectedSteps, o.points), maxTrainMs: o.budgetMs, recordTest: true, ...method,
  }, (_progress, recorded) => {
    if (!recorded) return;
    live.push(recorded);
    onRecord(live);
  });
  return {
    history: r.history,
    trainMs: r.trainMs,
    evalMs: r.evalMs,
    toTargetLoss: firstReached(r.history, (p) => p.loss, targets.loss, true),
    toTargetAccuracy: firstReached(r.history, (p) => p.testAccuracy, targets.accuracy, false),
  };
}
