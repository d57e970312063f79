/**
 * A convergence curve of one engine at one batch size: a training run from zero weights under a
 * wall-time budget, recording loss and accuracy on the whole training set and the test set at
 * log-spaced update counts; evaluation is off the training clock. Times and samples to the
 * targets are read off the recorded points.
 */
import { fit } from '../api/fit';
import type { Backend } from '../backend/backend';
import type { TrainingData } from '../data/training-data';
import type { Optimizer } from '../optim/optimizer';
import type { Schedule } from '../optim/schedule';
import type { HistoryPoint } from '../train/trainer';
import { logSpacedSteps } from './stats';

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

/** What a curve trains: batch size, rate, seed, and (default plain SGD at a constant rate) the method. */
export interface CurveRun {
  batchSize: number;
  lr: number;
  seed: number;
  optimizer?: Optimizer;
  schedule?: Schedule;
}

export async function measureCurve(
  engine: Backend, data: TrainingData, run: CurveRun, expectedUpdatesPerSecond: number, targets: { loss: number; accuracy: number }, o: CurveOptions,
  onRecord: (history: readonly HistoryPoint[]) => void = () => {},
): Promise<Curve> {
  const stepsPerEpoch = Math.ceil(data.trainCount / run.batchSize);
  const byTime = o.budgetMs === undefined ? Infinity : Math.max(1, Math.ceil((expectedUpdatesPerSecond * o.budgetMs) / 1000));
  const expectedSteps = Math.min(o.maxEpochs * stepsPerEpoch, byTime);
  const live: HistoryPoint[] = [];
  // the run's settings alone: a method's other fields (its name) are no options of fit's
  const { batchSize, lr, seed, optimizer, schedule } = run;
  const r = await fit(engine, data, {
    batchSize, lr, seed, optimizer, schedule, epochs: o.maxEpochs, recordEvery: Number.MAX_SAFE_INTEGER, recordSteps: logSpacedSteps(expectedSteps, o.points), budgetMs: o.budgetMs, recordTest: true, test: false,
    onProgress: (_progress, recorded) => {
      if (!recorded) return;
      live.push(recorded);
      onRecord(live);
    },
  });
  return {
    history: r.history,
    trainMs: r.trainMs,
    evalMs: r.evalMs,
    toTargetLoss: firstReached(r.history, (p) => p.loss, targets.loss, true),
    toTargetAccuracy: firstReached(r.history, (p) => p.testAccuracy, targets.accuracy, false),
  };
}
