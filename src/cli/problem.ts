/**
 * What `train` learns: the MNIST classifier (--task classification, the default) or linear
 * regression (--task regression) on a CSV file or synthetic data. Each gives the trainer the same
 * things: sizes, a backend, initial parameters, a data checksum, and how to print its results.
 */
import type { Backend, Evaluation } from '../backend/backend';
import { RegressionCpuBackend } from '../backend/regression-cpu';
import { RegressionWebGpuBackend } from '../backend/regression-webgpu';
import type { VariantChoice } from '../backend/webgpu';
import { type RegressionData, parseCsv, splitAndStandardise, syntheticRegression } from '../data/regression';
import { defaultMnistDir, loadSplit } from '../data/load-node';
import type { AdapterChoice } from '../device/adapter-node';
import { check } from '../errors';
import { crc32 } from '../io/crc32';
import { readInput } from '../io/files';
import { linearLayout, paramLayout, zeroParams } from '../model';
import { dataChecksum } from './checkpointing';
import { confusionTable, count, percent } from './format';
import { type BackendChoice, openBackend, openWebGpu } from './session';

export type Task = 'classification' | 'regression';
export const TASKS: readonly Task[] = ['classification', 'regression'];

export interface Problem {
  task: Task;
  trainCount: number;
  testCount: number;
  features: number;
  /** where the data came from, for the log and the JSON */
  source: string;
  initialParams(): Float32Array;
  checksum(): number;
  open(backend: BackendChoice, adapter: AdapterChoice, variant: VariantChoice): Promise<{ backend: Backend; line: string }>;
  /** the line(s) that report the test evaluation */
  describeTest(e: Evaluation): string;
}

export function classification(dataDir: string | undefined): Problem {
  const dir = dataDir ?? defaultMnistDir();
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 'test');
  return {
    task: 'classification', trainCount: train.count, testCount: test.count, features: train.features,
    source: `${count(train.count)} training and ${count(test.count)} test images from ${dir}`,
    initialParams: () => zeroParams(paramLayout(train.features)),
    checksum: () => dataChecksum(train),
    open: (b, a, v) => openBackend(b, a, { train, test }, v),
    describeTest: (e) => `test: accuracy ${percent(e.accuracy)}, loss ${e.loss.toFixed(4)} (${count(e.count)} images)\n${confusionTable(e.confusion)}`,
  };
}

export interface RegressionOptions {
  csv?: string;
  target?: string;
  /** 'ROWS,FEATURES' */
  synthetic?: string;
  noise: number;
  seed: number;
}

/** 20% of the rows, after a seeded shuffle, are held out as the test set. */
const TEST_FRACTION = 0.2;

export function regression(o: RegressionOptions): Problem {
  check((o.csv === undefined) !== (o.synthetic === undefined), '--task regression needs exactly one of --csv FILE (with --target NAME) or --synthetic ROWS,FEATURES');
  let data: RegressionData;
  if (o.csv !== undefined) {
    check(o.target !== undefined, '--csv needs --target NAME, the column to predict');
    const text = readInput(o.csv, `--csv ${o.csv}`).toString('utf8');
    const t = parseCsv(text, o.csv, o.target!);
    check(t.rows >= 2, `${o.csv}: needs at least 2 rows (one to train on, one to test)`);
    data = { ...splitAndStandardise(t.x, t.y, t.rows, t.columns, TEST_FRACTION, o.seed), names: t.names, target: o.target!, source: o.csv };
  } else {
    const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(o.synthetic!);
    const [rows, dims] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    check(m !== null && rows >= 2 && dims >= 1 && rows * dims <= 1e8, `--synthetic must be ROWS,FEATURES with at least 2 rows, 1 feature and at most 1e8 values, got '${o.synthetic}'`);
    const s = syntheticRegression(rows, dims, o.noise, o.seed);
    data = {
      ...splitAndStandardise(s.x, s.y, rows, dims, TEST_FRACTION, o.seed), names: Array.from({ length: dims }, (_, j) => `x${j}`), target: 'y',
      source: `synthetic: y = X·θ + 1 + ${o.noise}·ε, ${count(rows)} rows x ${dims} features, seed ${o.seed}`, truth: { weights: s.weights, bias: s.bias, noise: o.noise },
    };
  }
  const { train, test } = data;
  return {
    task: 'regression', trainCount: train.count, testCount: test.count, features: train.dims,
    source: `${count(train.count)} training and ${count(test.count)} test rows (${train.dims} standardised features, target '${data.target}') from ${data.source}`,
    initialParams: () => new Float32Array(linearLayout(train.dims).paddedCount),
    checksum: () => crc32(bytesOf(train.features), bytesOf(train.targets)),
    open: async (b, a) => {
      if (b === 'cpu') {
        const backend = new RegressionCpuBackend(data);
        return { backend, line: `backend: cpu (${backend.adapter.description})` };
      }
      return openWebGpu(a, (gpu) => RegressionWebGpuBackend.create(gpu, data));
    },
    describeTest: (e) => `test: R² ${e.accuracy.toFixed(4)}, loss (mean squared error / 2) ${e.loss.toPrecision(5)} (${count(e.count)} rows)`,
  };
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
