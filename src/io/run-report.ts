/**
 * The JSON written by `train --json PATH` (schema "downhill-run/1", documented in the README).
 */
import type { Evaluation, VariantReport } from '../backend/backend';
import type { ReportedParameters } from '../data/parameters';
import type { AdapterReport } from '../device/adapter-info';
import { CLASSES } from '../model';
import type { BatchSizeOption } from '../train/options';
import type { TrainConfig, TrainResult } from '../train/trainer';

export interface RunReport {
  schema: 'downhill-run/1';
  createdAt: string;
  config: TrainConfig & {
    batchSizeOption: BatchSizeOption;
    /** how WebGPU ran the steps and why, in words (null on the CPU backend) */
    stepVariant: string | null;
    /** the same as data: the variant, how it was chosen, the candidates' times when measured */
    stepChoice: VariantReport | null;
    backend: 'webgpu' | 'cpu';
    adapterChoice: string;
    /** what was learned: the MNIST classifier or linear regression */
    task: 'classification' | 'regression';
    data: string;
    trainExamples: number;
    testExamples: number;
    stepsPerEpoch: number;
    /** why the default learning rate is what it is (from the data); null when --lr was given or the run resumed */
    lrReason: string | null;
  };
  adapter: AdapterReport;
  environment: { node: string; platform: string; arch: string; webgpuPackage: string | null };
  history: TrainResult['history'];
  /** the checkpoint this run continued, if it was resumed */
  resumedFrom?: string;
  /** present when the run ended early: interrupted, diverged or failed (history is kept up to then) */
  stopped?: { reason: 'interrupted' | 'diverged' | 'failed'; step: number; message: string };
  /**
   * the learned parameters in the data's units (regression: names, target, weights, intercept or
   * null; the classifier: b, W's shape and norm, W itself being --save's); absent when the run stopped early
   */
  parameters?: ReportedParameters;
  /** null when the run stopped early */
  final: {
    train: { loss: number; accuracy: number };
    /** null when there is no test set */
    test: { loss: number; accuracy: number | null; confusion: number[][] | null } | null;
  } | null;
  /** what the history says went wrong though training finished (a loss that rose over an epoch), one line each; absent when the run stopped early */
  warnings?: string[];
  /** null when the run stopped early */
  timings: {
    setupMs: number;
    trainMs: number;
    evalMs: number;
    testEvalMs: number;
    epochMs: number;
    steps: number;
    samples: number;
    samplesPerSecond: number;
    updatesPerSecond: number;
  } | null;
}

export function confusionRows(confusion: Uint32Array): number[][] {
  return Array.from({ length: CLASSES }, (_, t) => Array.from(confusion.subarray(t * CLASSES, (t + 1) * CLASSES)));
}

export function lastTrainPoint(result: TrainResult): { loss: number; accuracy: number } {
  const last = result.history[result.history.length - 1]!;
  return { loss: last.loss, accuracy: last.accuracy };
}

export function testSummary(e: Evaluation): NonNullable<RunReport['final']>['test'] {
  // regression has no confusion matrix; an undefined R² (targets that do not vary) is null
  return { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy, confusion: e.confusion.length > 0 ? confusionRows(e.confusion) : null };
}

/** Decimal places kept in a time field: milliseconds to the microsecond, seconds likewise. */
const TIME_DECIMALS: ReadonlyArray<[suffix: string, decimals: number]> = [['Ms', 3], ['Seconds', 6]];

/**
 * A JSON.stringify replacer for what the commands write (--json, --events): a time field (a key
 * ending in Ms or Seconds) is rounded to the microsecond, so that it reads 0.867, not the float
 * noise of a subtraction (0.8670640000000276). Losses, metrics and parameters are written exactly.
 */
export function roundTimes(key: string, value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const decimals = TIME_DECIMALS.find(([suffix]) => key.endsWith(suffix))?.[1];
  if (decimals === undefined) return value;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The JSON text of a report or event: times rounded (roundTimes), the rest exact. */
export function reportJson(value: unknown, space?: number): string {
  return JSON.stringify(value, roundTimes, space);
}
