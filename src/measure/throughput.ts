/**
 * Throughput of one engine at one batch size: after a warm-up, repeated timed runs of K
 * consecutive training steps, each timed from the first encode to completion (the backend's
 * runSteps resolves only when the work is done); samples/s as median and spread over the
 * repetitions.
 */
import { SGD } from '../optim/optimizer';
import type { Backend } from '../backend/backend';
import { type TrainingData, initialParams } from '../data/training-data';
import { epochPlan } from '../train/plan';
import { Rng, permutation } from '../rng';
import type { WorkCounts } from '../device/gpu';
import { type Summary, summarize } from './stats';

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
  /** the work asked of the device over the timed repetitions, where the engine counts it */
  work?: WorkCount;
}

/** WorkCounts over `steps` steps of the timed repetitions, and the same scaled to one epoch. */
export interface WorkCount {
  steps: number;
  /** runSteps calls the repetitions made (one per repetition, two where it wrapped an epoch's end) */
  calls: number;
  counted: WorkCounts;
  /** counted · steps per epoch / steps, each rounded: what an epoch run this way asks for */
  perEpoch: Omit<WorkCounts, 'kernels'>;
}

/** Counts scaled from `steps` steps to an epoch of `stepsPerEpoch`. */
export function workPerEpoch(c: WorkCounts, steps: number, stepsPerEpoch: number): Omit<WorkCounts, 'kernels'> {
  const f = stepsPerEpoch / steps;
  return { dispatches: Math.round(c.dispatches * f), submits: Math.round(c.submits * f), waits: Math.round(c.waits * f), readbackBytes: Math.round(c.readbackBytes * f) };
}

/** `countWork`: starts counting the engine's device work, returning the function that stops it (WebGPU; absent: not counted). */
export async function measureThroughput(
  backend: Backend, data: TrainingData, batchSize: number, lr: number, seed: number, o: ThroughputOptions, countWork?: () => () => WorkCounts,
): Promise<Throughput> {
  const examples = data.trainCount;
  const plan = epochPlan(examples, batchSize);
  // plain SGD at the base rate (no schedule: the rate table as set with the plan)
  await backend.setOptimizers([{ optimizer: SGD, lr }]);
  await backend.setParams(0, initialParams(data));
  await backend.setPlan(plan, () => false);
  backend.setOrder(permutation(examples, new Rng(seed)));
  let next = 0;
  let calls = 0;
  // runs `count` steps, wrapping around the epoch; returns elapsed ms and samples
  const run = async (count: number) => {
    let samples = 0;
    const t0 = performance.now();
    for (let left = count; left > 0; ) {
      const n = Math.min(left, plan.length - next);
      await backend.runSteps(next, n);
      calls++;
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
  calls = 0;
  const stop = countWork?.();
  while (samplesPerSecond.length < o.reps && (samplesPerSecond.length < minReps || performance.now() - started < o.maxMs)) {
    const r = await run(stepsPerRep);
    samplesPerSecond.push(r.samples / (r.ms / 1000));
    updatesPerSecond.push(stepsPerRep / (r.ms / 1000));
  }
  const counted = stop?.();
  const sps = summarize(samplesPerSecond);
  const steps = stepsPerRep * samplesPerSecond.length;
  const work = counted && { steps, calls, counted, perEpoch: workPerEpoch(counted, steps, plan.length) };
  return { variant: backend.variant?.note, stepsPerRep, samplesPerSecond: sps, updatesPerSecond: summarize(updatesPerSecond), epochMs: (examples / sps.median) * 1000, ...(work ? { work } : {}) };
}
