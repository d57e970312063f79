/**
 * The contract between the trainer (src/train) and the two ways of running the kernels:
 * WebGPU (backend/webgpu.ts) and the plain CPU reference (backend/cpu.ts). The trainer only sees
 * this interface, so both are scheduled and measured the same way.
 */
import type { AdapterReport } from '../device/adapter-info';
import type { Dataset } from '../data/dataset';
import type { Optimizer } from '../optim/optimizer';

export interface Step {
  /** first row of the batch in the epoch's order */
  start: number;
  /** examples in the batch (the last batch of an epoch may be smaller) */
  size: number;
}

/** One epoch's steps (src/train/plan.ts, epochPlan) and the batch size they were cut at, its one home. */
export interface Plan extends ReadonlyArray<Step> {
  readonly batchSize: number;
}

export interface Evaluation {
  count: number;
  /** mean cross-entropy */
  loss: number;
  accuracy: number;
  /** CLASSES×CLASSES counts, [true][predicted] */
  confusion: Uint32Array;
}

export type Split = 'train' | 'test';

/** Data a backend is created with; it stays resident (on the GPU for WebGPU) for its lifetime. */
export interface BackendData {
  train: Dataset;
  test?: Dataset;
}

/** One of the K configurations an engine trains side by side: its optimiser and its base rate. */
export interface ModelConfig {
  optimizer: Optimizer;
  /** the base learning rate, which the schedule scales per update (setRates: src/optim/rates.ts) */
  lr: number;
}

/** How an engine runs the current plan's steps, and why: data, with the prose derived from it. */
export interface VariantReport {
  /** e.g. 'four-kernels', 'split-k-512', 'fused-64' */
  variant: string;
  /** one way only; a fixed rule; asked for; measured now; measured before (cached); measurement stopped; a resumed checkpoint's */
  how: 'only' | 'rule' | 'forced' | 'measured' | 'cached' | 'stopped' | 'resumed';
  /** µs per step of each candidate, when measured */
  timesUs: Record<string, number> | null;
  /** the same, in words, for logs and reports */
  note: string;
}

/**
 * The contract between the trainers (src/train) and the engines: WebGPU (webgpu.ts), the CPU
 * reference (cpu.ts) and a benchmark's peers. An engine holds one model's data (the classifier's
 * or regression's) and trains K configurations of it on the same batches (K = 1: an ordinary
 * run; K > 1: a sweep); k numbers them. Every member is required: the trainer never probes.
 */
export interface Backend {
  /** 'webgpu', 'cpu', or a peer's name in the benchmark */
  readonly name: string;
  readonly adapter: AdapterReport;
  /** K, the configurations trained side by side */
  readonly models: number;
  /** how the current plan's steps run (null before a plan is set) */
  readonly variant: VariantReport | null;
  /** how the engine was asked to choose its step variant (a WebGPU engine's; undefined: it has one way) */
  readonly variantChoice?: string;
  /** the step variant a resumed run must run again (null: the engine has one way) */
  readonly stepVariant: string | null;
  /** Each configuration's optimiser and base rate; their state starts at zero. Set before the plan. */
  setOptimizers(configs: readonly ModelConfig[]): Promise<void>;
  /**
   * The steps of one epoch, identical every epoch; set before training (again for a new run).
   * Work done here that may take long (measuring step variants) ends early once `stopRequested`.
   */
  setPlan(plan: Plan, stopRequested: () => boolean): Promise<void>;
  /** The order in which the training set is visited this epoch (a permutation of 0..N-1). */
  setOrder(order: Uint32Array): void;
  /** This epoch's per-update table (src/optim/rates.ts): each configuration's scheduled rate and Adam's corrections. */
  setRates(rates: Float32Array): void;
  setParams(k: number, params: Float32Array): Promise<void>;
  getParams(k: number): Promise<Float32Array>;
  /** Configuration k's optimiser state arrays (none for SGD), for checkpoints; and putting them back. */
  getOptimizerState(k: number): Promise<Float32Array[]>;
  setOptimizerState(k: number, arrays: readonly Float32Array[]): Promise<void>;
  /**
   * Runs plan steps [first, first + count) and resolves when they have completed, with each
   * configuration's mean loss of their examples (each before its step's update), fetched with the
   * completion; NaN or an infinity there means that configuration diverged.
   */
  runSteps(first: number, count: number): Promise<number[]>;
  /**
   * Each configuration's mean loss of the examples of plan steps [first, first + count) of the
   * current epoch, as its steps computed it before updating (the running training loss most
   * frameworks print), kept where the steps ran and read back only when asked for.
   */
  batchLoss(first: number, count: number): Promise<number[]>;
  /** Configuration k on a whole split. */
  evaluate(k: number, split: Split): Promise<Evaluation>;
  destroy(): Promise<void>;
}
