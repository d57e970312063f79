/**
 * The batch-size comparison's results (schema "downhill-bench/1"), written by the Node benchmark
 * (bench/run.ts, one engine per process: bench/engine-main.ts) and by the page (src/page/sweep.ts),
 * read by the report (src/report/). Also the job an engine's process is given.
 */
import type { AdapterReport } from '../device/adapter-info';
import type { BatchSizeOption } from '../train/options';
import type { Curve, CurveOptions } from './curve';
import type { KernelBench } from './kernels';
import type { Throughput, ThroughputOptions } from './throughput';

/** The engines compared: downhill on WebGPU, downhill's CPU reference, TensorFlow.js on its
 *  webgpu (same Dawn adapter), wasm and cpu backends (opened in bench/peers/engines.ts), and
 *  PyTorch on the CPU (a Python process: bench/peers/pytorch.ts), where it is installed. */
export const ENGINES = ['downhill-webgpu', 'downhill-cpu', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu', 'pytorch-cpu'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The engine the report is about; the others are its peers. */
export const MAIN_ENGINE: EngineName = 'downhill-webgpu';

export interface EngineJob {
  engine: EngineName;
  adapter: 'auto' | 'hardware' | 'swiftshader';
  dataDir: string;
  runs: Array<{ batchSize: number | 'full'; lr: number }>;
  seed: number;
  throughput: ThroughputOptions;
  /** convergence curves too (downhill on WebGPU, in the default run) */
  curve?: CurveOptions & { targetLoss: number; targetAccuracy: number };
  /** instead of training: the kernel microbenchmarks, in a process of their own (timings taken
   *  after an engine's run in the same process came out about 1.5x slower on SwiftShader) */
  kernelsOnly?: boolean;
  /** the rows the kernels are timed at (default: kernels.ts's KERNEL_ROWS) */
  kernelRows?: number[];
}

export interface RunResult {
  batchSize: number;
  lr: number;
  throughput?: Throughput;
  curve?: Curve;
  error?: string;
}

export interface EngineResult {
  engine: EngineName;
  adapter: AdapterReport;
  /** training examples (N); absent in results written before it was recorded */
  examples?: number;
  /** peak bytes in the engine's GPU buffers, where it reports them */
  peakGpuBytes?: number;
  setupMs: number;
  runs: RunResult[];
  /** why the engine was not run here (no runs then), e.g. PyTorch not installed */
  skipped?: string;
  kernels?: KernelBench;
}

export interface BenchResults {
  schema: 'downhill-bench/1';
  createdAt: string;
  config: {
    batchSizes: BatchSizeOption[];
    lrs: number[];
    engines: EngineName[];
    /** wall-time budget per curve, or undefined when budgetEpochs is set */
    budgetMs?: number;
    budgetEpochs?: number;
    reps: number;
    targetLoss: number;
    /** on the test set's accuracy, or its R² for regression */
    targetAccuracy: number;
    /** what was trained (absent: the classifier, in results written before the page trained regression) */
    task?: 'classification' | 'regression';
    seed: number;
    full: boolean;
    adapter: string;
    /** rows the kernels were timed at; absent in results written before it could be chosen */
    kernelRows?: number[];
  };
  environment: Record<string, string | number | null>;
  adapter: AdapterReport;
  engines: EngineResult[];
  /** a run stopped before its last engine: the stop and the engines not measured (engines holds the finished ones) */
  stopped?: string;
}

/** `<adapter>-<date>`, then the engines measured where they are not all of them: a name says what was measured. */
export function resultsBaseName(r: BenchResults): string {
  const adapter = [r.adapter.vendor, r.adapter.architecture].filter(Boolean).join('-') || 'adapter';
  const all = ENGINES.every((e) => r.config.engines.includes(e));
  return `${adapter}-${r.createdAt.slice(0, 10)}${all ? '' : `-${r.config.engines.join('-')}`}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
