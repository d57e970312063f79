/**
 * What the page's main thread and its training worker (worker.ts) say to each other. The main
 * thread reads the form and draws; the worker loads the data, owns the device and trains, so a
 * long step never stalls the page.
 */
import type { BenchResults } from '../measure/results';
import type { OptimizerKind } from '../optim/optimizer';
import type { RegressionParameters } from '../data/parameters';
import type { SweepRun } from '../train/sweep';
import type { SweepSettings } from './sweep';
import type { BatchSizeOption } from '../train/options';

/** The data to train on: MNIST, the synthetic regression rows, or a CSV file the user chose. */
export type DataChoice =
  | { source: 'mnist' }
  | { source: 'synthetic' }
  | { source: 'csv'; name: string; bytes: Uint8Array; target: string };

export type Job =
  /** load MNIST now, so that the first Train starts at once */
  | { kind: 'preload' }
  /** the batch-size comparison: each batch size timed, then trained for the budget */
  | { kind: 'compare'; data: DataChoice; settings: SweepSettings }
  /** every learning rate × batch size × optimiser trained at once, stacked per batch size (train --sweep) */
  | { kind: 'sweep'; data: DataChoice; lrs: number[]; batchSizes: BatchSizeOption[]; optimizers: OptimizerKind[]; epochs: number; seed: number };

/** 32 test digits and what the classifier says they are. */
export interface Digits {
  images: Uint8Array;
  labels: Uint8Array;
  predicted: number[];
}

/** `which`: the run it comes from, in words ('after batch 100', 'the best configuration: …') */
export type TrainedModel =
  | { kind: 'classifier'; which: string; accuracy: number; confusion: Uint32Array; digits: Digits }
  | { kind: 'regression'; which: string; parameters: RegressionParameters };

export type SweepView = { runs: Array<Omit<SweepRun, 'params'>>; task: 'classification' | 'regression' };

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'ready'; text: string }
  | { type: 'adapter'; label: string }
  | { type: 'compare'; results: BenchResults }
  | { type: 'sweep'; view: SweepView }
  | { type: 'done'; download: { name: string; json: string }; model: TrainedModel; summary: string; results?: BenchResults }
  | { type: 'error'; message: string };
