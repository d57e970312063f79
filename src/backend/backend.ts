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
  lr: number;
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

export interface Backend {
  /** 'webgpu', 'cpu', or a peer's name in the benchmark */
  readonly name: string;
  readonly adapter: AdapterReport;
  /** how the current plan's steps are run (e.g. which kernels), for the results */
  readonly variant?: string;
  /** the step variant that runs the current plan, which a resumed run must run again (null: the engine has one way) */
  readonly stepVariant: string | null;
  setParams(params: Float32Array): Promise<void>;
  getParams(): Promise<Float32Array>;
  /**
   * The steps of one epoch, identical every epoch; set before training (again for a new run).
   * Work done here that may take long (measuring step variants) ends early once `stopRequested`.
   */
  setPlan(steps: readonly Step[], stopRequested: () => boolean): Promise<void>;
  /** The order in which the training set is visited this epoch (a permutation of 0..N-1). */
  setOrder(order: Uint32Array): void;
  /**
   * How gradients become updates, set before the plan; its state (momentum, Adam's moments)
   * starts at zero. Backends without it run plain SGD.
   */
  setOptimizer?(optimizer: Optimizer): Promise<void>;
  /** This epoch's per-update table (src/optim/rates.ts): scheduled rates and Adam's corrections. */
  setRates?(rates: Float32Array): void;
  /** The optimiser's state arrays (none for SGD), for checkpoints; and putting them back. */
  getOptimizerState?(): Promise<Float32Array[]>;
  setOptimizerState?(arrays: readonly Float32Array[]): Promise<void>;
  /**
   * Runs plan steps [first, first + count) and resolves when they have completed, with the mean
   * loss of their examples (each before its step's update) where the backend keeps it, fetched
   * with the completion; NaN or an infinity there means the run diverged.
   */
  runSteps(first: number, count: number): Promise<number | undefined>;
  /**
   * The mean loss of the examples of plan steps [first, first + count) of the current epoch, each
   * as its step computed it before updating: the running training loss most frameworks print.
   * Kept where the steps ran (on the GPU for WebGPU) and read back only when asked for.
   */
  batchLoss?(first: number, count: number): Promise<number>;
  evaluate(split: Split): Promise<Evaluation>;
  destroy(): Promise<void>;
}
