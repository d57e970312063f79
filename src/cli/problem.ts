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
import { defaultMnistDir, idxInputs, loadSplit } from '../data/load-node';
import type { AdapterChoice } from '../device/adapter-node';
import { check } from '../errors';
import { crc32 } from '../io/crc32';
import { readInput } from '../io/files';
import type { InputRequest } from '../io/outputs';
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
  /** the line(s) that report the test evaluation (undefined: there is no test set) */
  describeTest(e: Evaluation | undefined): string;
}

/** The input files the classifier reads, so that no output can overwrite one. */
export function classificationInputs(dataDir: string | undefined): InputRequest[] {
  if (dataDir === undefined) return [];
  return idxInputs(dataDir).map((path) => ({ flag: '--data', path }));
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
    describeTest: (e) => (e ? `test: accuracy ${percent(e.accuracy)}, loss ${e.loss.toFixed(4)} (${count(e.count)} images)\n${confusionTable(e.confusion)}` : 'test: none (the test set is empty)'),
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

/** Targets spread wider than this would make a squared error (in the target's units) overflow a double. */
const MAX_TARGET_DEVIATION = 1e150;

/** 20% of the rows, after a seeded shuffle, are held out as the test set. */
const TEST_FRACTION = 0.2;

/** `whileLoading` is called now and then while a large CSV is parsed, and may throw to stop it. */
export async function regression(o: RegressionOptions, whileLoading: () => void): Promise<Problem> {
  check((o.csv === undefined) !== (o.synthetic === undefined), '--task regression needs exactly one of --csv FILE (with --target NAME) or --synthetic ROWS,FEATURES');
  let data: RegressionData;
  if (o.csv !== undefined) {
    check(o.target !== undefined, '--csv needs --target NAME, the column to predict');
    const t = await parseCsv(readInput(o.csv, `--csv ${o.csv}`), o.csv, o.target!, whileLoading);
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
  // losses are reported in the target's units: sd² times the standardised loss, finite up to about 1e300
  check(data.targetScale.sd < MAX_TARGET_DEVIATION, `${data.source}: the target '${data.target}' varies by ${data.targetScale.sd.toPrecision(3)} (standard deviation); its squared errors would overflow a double above ${MAX_TARGET_DEVIATION.toPrecision(1)}: divide the column by a power of ten`);
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
    describeTest: (e) => (e
      ? `test: R² ${Number.isNaN(e.accuracy) ? 'undefined (the test targets do not vary)' : e.accuracy.toFixed(4)}, loss (mean squared error / 2) ${e.loss.toPrecision(5)} (${count(e.count)} rows)`
      : `test: none: ${count(train.count)} rows are too few to hold out ${TEST_FRACTION * 100}% as a test set (5 or more are needed), so no test metrics`),
  };
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
