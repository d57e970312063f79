/**
 * The learned parameters in the data's own units, and back. The engines train on the rows as
 * stored: regression's columns standardised (x' = (x − μ)/σ, y' = (y − μ_y)/σ_y) unless asked
 * not to. A user reads, saves, predicts with and starts from the model in the data's units:
 *   ŷ = μ_y + σ_y·(Σ_j w'_j·(x_j − μ_j)/σ_j + b')  ⇒  w_j = σ_y·w'_j/σ_j,  b = μ_y + σ_y·b' − Σ_j w_j·μ_j
 * The classifier's parameters need no conversion (pixels are read as bytes / 255 everywhere).
 * Pure: the browser uses it too.
 */
import { UserError, check } from '../errors';
import { demand, demandChoice, demandText } from '../fields';
import { demandDataShape } from './check';
import { firstNotFinite } from './check';
import { encodeSafetensorsWeights, encodeWeights } from '../io/weights';
import { CLASSES } from '../model';
import { type RegressionTaskData, type TrainingData, modelOf } from './training-data';

export interface RegressionParameters {
  model: 'linear-regression';
  /** the feature columns, in order, and the target */
  names: string[];
  target: string;
  /** one weight per feature, in the data's units */
  weights: number[];
  /** b in the target's units; null when the model has no intercept */
  intercept: number | null;
}

export interface ClassifierParameters {
  model: 'softmax-classifier';
  /** W (classes, features), one row per class */
  W: number[][];
  b: number[];
}

export type Parameters = RegressionParameters | ClassifierParameters;

/**
 * The parameters as the run JSON records them: regression's whole; the classifier's b and the
 * size of W (its 7,840 weights are the weights file's, --save: they would make the JSON 40 times
 * larger).
 */
export type ReportedParameters = RegressionParameters | { model: 'softmax-classifier'; shape: [number, number]; frobeniusNorm: number; b: number[] };

export function reportedParameters(p: Parameters): ReportedParameters {
  if (p.model === 'linear-regression') return p;
  return { model: p.model, shape: [p.W.length, p.W[0]?.length ?? 0], frobeniusNorm: frobeniusNorm(p.W), b: p.b };
}

export function frobeniusNorm(W: number[][]): number {
  return Math.sqrt(W.reduce((a, row) => row.reduce((s, w) => s + w * w, a), 0));
}

/** The trained `params` (the engine's padded layout, as stored) in the data's units. */
export function parametersOf(data: TrainingData, given: Float32Array): Parameters {
  demandDataShape(data);
  const params = paddedParams(data, given, 'params');
  const features = data.features;
  if (data.task === 'classification') {
    const W = Array.from({ length: CLASSES }, (_, c) => Array.from(params.subarray(c * features, (c + 1) * features)));
    return { model: 'softmax-classifier', W, b: Array.from(params.subarray(CLASSES * features, CLASSES * features + CLASSES)) };
  }
  const { featureScale, targetScale } = data.split;
  const weights = featureScale.map((s, j) => (targetScale.sd * params[j]!) / s.sd);
  const b = targetScale.mean + targetScale.sd * params[features]! - weights.reduce((a, w, j) => a + w * featureScale[j]!.mean, 0);
  return { model: 'linear-regression', names: data.names, target: data.target, weights, intercept: data.objective.intercept ? b : null };
}

/**
 * The parameters in the data's units (the weights file's layout), as flat values: w then b, or W
 * then b. Regression's in float64: float32 cannot hold them (a feature near 1e9 of deviation 1
 * gives an intercept near −2e9 whose float32 rounding moves every prediction by up to 64).
 * The classifier's are float32, exactly as trained.
 */
export function flatParameters(p: Parameters): Float32Array | Float64Array {
  return p.model === 'linear-regression' ? Float64Array.from([...p.weights, p.intercept ?? 0]) : Float32Array.from([...p.W.flat(), ...p.b]);
}

/** What the engine's own layout holds beyond the model's values. */
const PADDED = "padded to a multiple of 4, as fit's result.params and checkpoints hold them";

/**
 * The one check of a parameter vector handed in (evaluate's params, fit's init, a resumed
 * checkpoint's params and optimiser state): an array, Float32Array or Float64Array of finite
 * numbers, of one of `lengths` (each with what it holds), refused naming `field`.
 */
function demandParamVector(field: string, values: unknown, lengths: ReadonlyArray<readonly [number, string]>): asserts values is ArrayLike<number> {
  demand(Array.isArray(values) || values instanceof Float32Array || values instanceof Float64Array, field, values, 'an array, Float32Array or Float64Array of numbers');
  const n = values.length;
  check(lengths.some(([length]) => length === n), `${field}: holds ${valueCount(n)}; this data needs ${lengths.map(([length, what]) => `${length} (${what})`).join(' or ')}`);
  const bad = firstNotFinite(values);
  check(bad < 0, `${field}[${bad}] is ${values[bad]}, not a finite number`);
}

/** `values` as float32, refused naming `field` where one is beyond float32's range (it would be infinite there). */
function inFloat32(field: string, values: ArrayLike<number>, into: Float32Array, as = ''): Float32Array {
  into.set(Array.from(values));
  const lost = firstNotFinite(into);
  check(lost < 0, `${field}[${lost}] is ${values[lost]}${as}, beyond float32's range (the engines compute in float32)`);
  return into;
}

/**
 * Parameters in the engine's own layout (evaluate's params, a checkpoint's arrays): the model's
 * values, or the same padded; returned padded, as float32.
 */
export function paddedParams(data: TrainingData, values: ArrayLike<number>, field: string): Float32Array {
  const model = modelOf(data);
  const layout = model.layout(data.features);
  const lengths: Array<[number, string]> = [[layout.count, model.task === 'classification' ? 'W, then b' : 'w, then b, as the engine trains them']];
  if (layout.paddedCount !== layout.count) lengths.push([layout.paddedCount, PADDED]);
  demandParamVector(field, values, lengths);
  return inFloat32(field, values, new Float32Array(layout.paddedCount));
}

/**
 * Initial parameters given in the data's units (a weights file's values, or a list), as the
 * engine stores them. Regression takes w and b, or w alone (b = 0; without an intercept b must
 * be 0); the classifier, whose units are the engine's, takes what paddedParams takes.
 */
export function storedParams(data: TrainingData, values: ArrayLike<number>, name: string): Float32Array {
  demandDataShape(data);
  demandText('name', name, 'a non-empty string naming the values in messages');
  if (data.task === 'classification') return paddedParams(data, values, name);
  const d = data.features;
  demandParamVector(name, values, data.objective.intercept
    ? [[d + 1, 'a weight per feature, then the intercept'], [d, 'the weights; intercept 0']]
    : [[d, 'a weight per feature; the model has no intercept']]);
  return storedRegression(data, values, name);
}

const valueCount = (n: number) => `${n} value${n === 1 ? '' : 's'}`;

function storedRegression(data: RegressionTaskData, values: ArrayLike<number>, name: string): Float32Array {
  const d = data.features;
  const w = Array.from(values).slice(0, d);
  const b = values.length > d ? values[d]! : 0;
  const { featureScale, targetScale } = data.split;
  const stored = w.map((wj, j) => (wj * featureScale[j]!.sd) / targetScale.sd);
  stored[d] = (b + w.reduce((a, wj, j) => a + wj * featureScale[j]!.mean, 0) - targetScale.mean) / targetScale.sd;
  return inFloat32(name, stored, new Float32Array(modelOf(data).layout(d).paddedCount), ' as the engine stores it (on standardised columns)');
}

/** How weights are written: downhill's own file, or safetensors (which PyTorch and others read). */
export const WEIGHTS_FORMATS = ['downhill', 'safetensors'] as const;
export type WeightsFormat = (typeof WEIGHTS_FORMATS)[number];

/** The format a --save path asks for: safetensors for a name ending in .safetensors, else downhill's. */
export function weightsFormatOf(path: string): WeightsFormat {
  demandText('path', path);
  return path.toLowerCase().endsWith('.safetensors') ? 'safetensors' : 'downhill';
}

/**
 * The weights file of trained `params`: the parameters in the data's units (regression described).
 * A safetensors file also carries `config` (the training configuration) in its metadata.
 */
export function weightsFile(data: TrainingData, params: Float32Array, format: WeightsFormat = 'downhill', config?: unknown): Uint8Array {
  demandChoice('format', format, WEIGHTS_FORMATS);
  const p = parametersOf(data, params);
  const description = data.task === 'regression' ? { units: 'data' as const, names: data.names, target: data.target, intercept: data.objective.intercept } : undefined;
  const flat = flatParameters(p);
  // a file of infinities would be refused by every reader: say so now, once
  if (!flat.every(Number.isFinite)) {
    throw new UserError('cannot save the weights: in the data\'s units they overflow float64 (a target\'s deviation over a feature\'s beyond 1e308); rescale the columns');
  }
  return format === 'safetensors'
    ? encodeSafetensorsWeights(flat, modelOf(data), data.features, description, config)
    : encodeWeights(flat, modelOf(data), data.features, description);
}
