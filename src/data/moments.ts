/**
 * The training inputs' second moment M = E[x̃x̃ᵀ], x̃ = (x, 1), as the engine sees them (the
 * classifier: pixels / 255; regression: the standardised features as stored): its trace and its
 * largest eigenvalue. They bound the loss's curvature (the gradient's Lipschitz constant) for
 * squared loss and softmax cross-entropy alike, so the default learning rate is derived from
 * them (src/train/default-rate.ts). Pure and deterministic: the browser computes them too.
 */
import { Rng } from '../rng';
import type { TrainingData } from './training-data';

export interface InputMoments {
  /** tr M = E‖x̃‖² */
  trace: number;
  /** λ_max(M), by power iteration */
  lambdaMax: number;
  /** training rows the estimate was computed on (an evenly spaced sample) */
  rows: number;
}

/** Rows sampled: enough for 3 digits of λ_max on MNIST, few enough for well under 0.5 s. */
export const MOMENT_ROWS = 4096;

/** Power iteration stops when the Rayleigh quotient changes by less than this, relatively. */
const TOLERANCE = 1e-12;
const MAX_ITERATIONS = 1000;

/** Computed so far: the data is never changed once built. */
const computed = new WeakMap<TrainingData, InputMoments>();

/** tr M and λ_max(M) of the training inputs, on an evenly spaced sample of at most MOMENT_ROWS rows. Computed once per data. */
export function inputMoments(data: TrainingData): InputMoments {
  let m = computed.get(data);
  if (m === undefined) {
    m = momentsOf(sampledInputs(data));
    computed.set(data, m);
  }
  return m;
}

/** Rows of x̃ = (x, 1) in float64, row-major. */
export interface InputRows {
  x: Float64Array;
  rows: number;
  /** columns including the bias's 1 */
  dims: number;
}

/** An evenly spaced sample of the training inputs, scaled as the kernels see them, with the bias column. */
export function sampledInputs(data: TrainingData, most = MOMENT_ROWS): InputRows {
  const count = data.trainCount;
  const features = data.features;
  const rows = Math.min(count, most);
  const dims = features + 1;
  const x = new Float64Array(rows * dims);
  const source = data.task === 'classification' ? data.train.images : data.split.train.features;
  const scale = data.task === 'classification' ? 1 / 255 : 1;
  for (let r = 0; r < rows; r++) {
    const from = Math.floor((r * count) / rows) * features;
    for (let j = 0; j < features; j++) x[r * dims + j] = source[from + j]! * scale;
    x[r * dims + features] = 1;
  }
  return { x, rows, dims };
}

/** Trace and largest eigenvalue of XᵀX / rows, never forming the dims² matrix. */
export function momentsOf({ x, rows, dims }: InputRows): InputMoments {
  if (rows === 0) return { trace: 0, lambdaMax: 0, rows };
  let sumSquares = 0;
  for (let i = 0; i < x.length; i++) sumSquares += x[i]! * x[i]!;
  return { trace: sumSquares / rows, lambdaMax: largestEigenvalue({ x, rows, dims }), rows };
}

/**
 * λ_max(XᵀX / rows) by power iteration from a fixed pseudo-random start (seeded, so the same data
 * gives the same number; random, so that it is not orthogonal to the top eigenvector by accident
 * of the data's structure). M is positive semi-definite, so the Rayleigh quotient rises
 * monotonically to λ_max; on MNIST the gap to the second eigenvalue makes it converge in tens of
 * iterations.
 */
function largestEigenvalue({ x, rows, dims }: InputRows): number {
  const rng = new Rng(0x5eed);
  let v: Float64Array = Float64Array.from({ length: dims }, () => rng.next() - 0.5);
  normalise(v);
  let lambda = 0;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const w = timesMoment(x, rows, dims, v);
    const quotient = dot(v, w);
    const norm = normalise(w);
    if (norm === 0) return 0;
    v = w;
    const done = Math.abs(quotient - lambda) <= TOLERANCE * quotient;
    lambda = quotient;
    if (done) break;
  }
  return lambda;
}

/** M·v = Xᵀ(X·v) / rows. */
function timesMoment(x: Float64Array, rows: number, dims: number, v: Float64Array): Float64Array {
  const out = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    const at = r * dims;
    let xv = 0;
    for (let j = 0; j < dims; j++) xv += x[at + j]! * v[j]!;
    if (xv === 0) continue;
    for (let j = 0; j < dims; j++) out[j]! += x[at + j]! * xv;
  }
  for (let j = 0; j < dims; j++) out[j]! /= rows;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scales v to unit length in place; returns its length before. */
function normalise(v: Float64Array): number {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return norm;
}
