/**
 * The weights file: a small JSON header, then the parameters as raw little-endian floats.
 *
 *   bytes 0-7   ASCII "DOWNHILL"
 *   bytes 8-11  u32 little-endian: header length H
 *   bytes 12..  H bytes of UTF-8 JSON: { format, version, model, classes, features, count,
 *               dtype, layout, crc32 }   (crc32 of the value bytes that follow)
 *   then        count values of `dtype`, float32 or float64: the softmax classifier's W (classes,
 *               features) row-major, then b (classes); linear regression's w (features) then b
 *               (classes = 1)
 * Regression files also say what the values mean: `units: "data"` (w and b in the data's units,
 * whatever scaling training used), the feature `names` in order, the `target` and `intercept`.
 * The classifier's values are float32, as trained; regression's are float64, since their
 * conversion to the data's units needs it (a feature near 1e9 of deviation 1 has an intercept
 * whose float32 rounding is about 100; a weight of 1e-50 is 0 in float32). Files written before
 * that hold float32 and are read as they are.
 * Files without `model` were written before regression could be saved: they are classifiers;
 * regression files without `units` hold w and b of standardised columns, of no use outside the run.
 *
 * The same weights can be written as safetensors (encodeSafetensorsWeights, `--save *.safetensors`),
 * which other tools read; readWeights and decodeWeights take either, told apart by content.
 *
 * Encoding and decoding are pure (no file system), so the browser can use them too.
 */
import { UserError, check } from '../errors';
import { demand, demandBytes, demandName, isObject } from '../fields';
import { LINEAR_REGRESSION, type Model, SOFTMAX_CLASSIFIER } from '../model';
import { checkPayload, decodeContainer, demandFinite, encodeContainer, readFloats, startsWithMagic, CHECKPOINT_MAGIC, WEIGHTS_MAGIC } from './container';
import { decodeSafetensors, encodeSafetensors, looksLikeSafetensors } from './safetensors';

const MAGIC = WEIGHTS_MAGIC;

/** The value types a weights file holds, and their arrays. */
const DTYPES = { float32: Float32Array, float64: Float64Array } as const;
type Dtype = keyof typeof DTYPES;

export interface WeightsHeader {
  format: 'downhill-weights';
  version: 1;
  model: Model['kind'];
  /** outputs: classes of the classifier, 1 for regression */
  classes: number;
  features: number;
  count: number;
  dtype: Dtype;
  layout: string;
  crc32: number;
}

/** What a regression file's values mean (see the header comment). */
export interface RegressionDescription {
  units: 'data';
  names: string[];
  target: string;
  intercept: boolean;
}

/**
 * `params` in `model`'s padded layout for `features`; only the meaningful values are written, in
 * the precision given (a Float64Array as float64).
 */
export function encodeWeights(params: Float32Array | Float64Array, model: Model, features: number, description?: RegressionDescription): Uint8Array {
  const layout = checkEncodable(params, model, features);
  const values = new Uint8Array(params.slice(0, layout.count).buffer);
  const header: Omit<WeightsHeader, 'crc32'> = {
    format: 'downhill-weights',
    version: 1,
    model: model.kind,
    classes: model.outputs,
    features: layout.features,
    count: layout.count,
    dtype: params instanceof Float64Array ? 'float64' : 'float32',
    layout: model.layoutText,
  };
  return encodeContainer(MAGIC, { ...header, ...(description ?? {}) }, values);
}

/** What a weights file holds, in either format: the model, features, values (count of them, float32 files' exactly) and a regression file's description. */
export interface StoredWeights {
  model: Model;
  features: number;
  values: Float64Array;
  description: RegressionDescription | null;
}

/** Any weights file, downhill's or safetensors (told apart by their first bytes, not by the name). */
export function readWeights(bytes: Uint8Array, name: string): StoredWeights {
  const { describe, ...w } = parseWeights(bytes, name);
  return { ...w, description: describe() };
}

/** A file's weights, and its regression description, checked only when asked for (decodeWeights needs none). */
interface ParsedWeights extends Omit<StoredWeights, 'description'> {
  describe(): RegressionDescription | null;
}

function parseWeights(bytes: Uint8Array, name: string): ParsedWeights {
  demandName('name', name);
  demand(bytes instanceof Uint8Array, 'bytes', bytes, "a weights file's bytes as a Uint8Array (e.g. readFileSync(path))");
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (startsWithMagic(bytes, MAGIC)) return readDownhillWeights(bytes, name, fail);
  if (startsWithMagic(bytes, CHECKPOINT_MAGIC)) fail('is a training checkpoint (the whole state of a run), not a weights file');
  if (looksLikeSafetensors(bytes)) return readSafetensorsWeights(bytes, name, fail);
  return fail(`not a downhill weights file (no ${MAGIC} magic) or a safetensors file (no JSON header)`);
}

/** Returns `model`'s parameters in the padded layout for `features` from either format, or throws a UserError naming the problem. */
export function decodeWeights(bytes: Uint8Array, name: string, model: Model, features: number): Float32Array {
  demandModel(model);
  const w = parseWeights(bytes, name);
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (w.model.kind !== model.kind) fail(`weights are for a ${w.model.kind} model; this needs a ${model.kind}`);
  demandFeatures(model, features);
  const layout = model.layout(features);
  if (w.features !== features) {
    fail(`weights are for ${w.model.outputs} outputs x ${w.features} features (${w.values.length} values); this data needs ${model.outputs} x ${features} (${layout.count})`);
  }
  const params = new Float32Array(layout.paddedCount);
  params.set(w.values);
  return params;
}

/** true when `bytes` start as a weights file of either format would (readWeights then says what is wrong, if anything). */
export function isWeightsFile(bytes: Uint8Array): boolean {
  demandBytes('bytes', bytes);
  return startsWithMagic(bytes, MAGIC) || (!startsWithMagic(bytes, CHECKPOINT_MAGIC) && looksLikeSafetensors(bytes));
}

/** The layout of `model` for `features`, once the arguments of an encoder are known to describe weights it can write. */
function checkEncodable(params: Float32Array | Float64Array, model: Model, features: number): ReturnType<Model['layout']> {
  demand(params instanceof Float32Array || params instanceof Float64Array, 'params', params, 'a Float32Array or Float64Array');
  demandModel(model);
  demandFeatures(model, features);
  const layout = model.layout(features);
  const lengths = layout.paddedCount === layout.count ? `${layout.count}` : `${layout.count} (or ${layout.paddedCount}, padded)`;
  check(params.length === layout.count || params.length === layout.paddedCount, `params holds ${params.length} values; a ${model.kind} of ${features} features has ${lengths}`);
  demandFinite(params, 'params', 'the values');
  return layout;
}

/** Refuses a `model` that is not one of MODELS, naming the argument. */
function demandModel(model: unknown): asserts model is Model {
  demand(model === SOFTMAX_CLASSIFIER || model === LINEAR_REGRESSION, 'model', model, 'SOFTMAX_CLASSIFIER or LINEAR_REGRESSION (MODELS)');
}

/** Refuses `features` that `model` cannot have, naming the argument. */
function demandFeatures(model: Model, features: unknown): asserts features is number {
  demand(validFeatures(model, features), 'features', features, `a whole number from 1 to 1e8${model.task === 'classification' ? ', a multiple of 4' : ''}`);
}

function validFeatures(model: Model, features: unknown): features is number {
  return Number.isSafeInteger(features) && (features as number) >= 1 && (features as number) <= 1e8 && (model.task === 'regression' || (features as number) % 4 === 0);
}

function readDownhillWeights(bytes: Uint8Array, name: string, fail: (why: string) => never): ParsedWeights {
  const { header: raw, payload } = decodeContainer(bytes, name, MAGIC, 'a downhill weights file');
  const header = raw as Partial<WeightsHeader & RegressionDescription>;
  if (header.format !== 'downhill-weights' || header.version !== 1 || !Object.hasOwn(DTYPES, String(header.dtype))) {
    fail(`unsupported header (format ${String(header.format)}, version ${String(header.version)}, dtype ${String(header.dtype)})`);
  }
  const model = modelNamed(header.model ?? SOFTMAX_CLASSIFIER.kind, fail);
  const features = header.features;
  if (!validFeatures(model, features)) return fail(`corrupt header (features ${String(features)})`);
  const count = model.layout(features).count;
  if (header.classes !== model.outputs || header.count !== count) {
    fail(`corrupt header (${String(header.classes)} outputs, ${String(header.count)} values: a ${model.kind} of ${features} features has ${model.outputs} and ${count})`);
  }
  const stored = new DTYPES[header.dtype!](count);
  checkPayload(raw, payload, stored.byteLength, name, `${header.dtype} values`);
  readFloats(payload, stored, name, 'the values');
  const values = Float64Array.from(stored);
  const describe = () => {
    if (model.task !== 'regression') return null;
    if (header.units === undefined) fail('was written before regression weights were saved in the data\'s units (its values are of standardised columns): train again with --save');
    return regressionDescription(header, features, values, fail);
  };
  return { model, features, values, describe };
}

function modelNamed(kind: unknown, fail: (why: string) => never): Model {
  if (kind === SOFTMAX_CLASSIFIER.kind) return SOFTMAX_CLASSIFIER;
  if (kind === LINEAR_REGRESSION.kind) return LINEAR_REGRESSION;
  return fail(`unknown model '${String(kind)}'`);
}

/** `values`: the file's weights then its bias (a model without an intercept has a bias of 0). */
function regressionDescription(d: Partial<RegressionDescription>, features: number, values: Float64Array, fail: (why: string) => never): RegressionDescription {
  const names = d.names;
  const ok = d.units === 'data' && Array.isArray(names) && names.length === features && names.every((n) => typeof n === 'string') && typeof d.target === 'string' && typeof d.intercept === 'boolean';
  if (!ok) fail('corrupt header (the regression description: units, names, target, intercept)');
  const twice = names!.find((n, j) => names!.indexOf(n) !== j);
  if (twice !== undefined) fail(`corrupt header (the feature '${twice}' is named twice)`);
  if (names!.includes(d.target!)) fail(`corrupt header (the target '${d.target}' is also a feature)`);
  if (!d.intercept && values[features] !== 0) fail(`corrupt header (no intercept, but the bias is ${values[features]})`);
  return { units: 'data', names: names!, target: d.target!, intercept: d.intercept! };
}

/**
 * The safetensors form of the same weights, loadable as they are by `torch.nn.Linear(features,
 * outputs)`: tensors `weight` (outputs, features) and `bias` (outputs), F32, or F64 from a Float64Array; `__metadata__`
 * holds downhill's header fields (numbers and lists as JSON text: its values must be strings),
 * a regression's description, and `config`, the training configuration as JSON, when given.
 */
export function encodeSafetensorsWeights(params: Float32Array | Float64Array, model: Model, features: number, description: RegressionDescription | undefined, config: unknown): Uint8Array {
  const layout = checkEncodable(params, model, features);
  demand(description === undefined || isObject(description), 'description', description, "a regression's description { units, names, target, intercept }, or undefined");
  const outputs = model.outputs;
  const values = params.slice(0, layout.count);
  const metadata: Record<string, string> = {
    format: 'downhill-weights', version: '1', model: model.kind, features: String(features), layout: model.layoutText,
    ...(description ? { units: description.units, names: JSON.stringify(description.names), target: description.target, intercept: String(description.intercept) } : {}),
    ...(config === undefined ? {} : { config: configJson(config) }),
  };
  return encodeSafetensors([
    ['weight', { shape: [outputs, features], values: values.subarray(0, outputs * features) }],
    ['bias', { shape: [outputs], values: values.subarray(outputs * features) }],
  ], metadata);
}

/** `config` as JSON text, refused naming `config` where it has none (a cycle, a BigInt). */
function configJson(config: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(config);
  } catch {
    json = undefined;
  }
  demand(json !== undefined, 'config', config, 'a value JSON can hold (no cycles, functions or BigInts)');
  return json;
}

function readSafetensorsWeights(bytes: Uint8Array, name: string, fail: (why: string) => never): ParsedWeights {
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  const weight = tensors.get('weight');
  const bias = tensors.get('bias');
  if (!weight || !bias) fail(`holds tensors ${[...tensors.keys()].join(', ') || 'none'}; downhill's weights are 'weight' (outputs, features) and 'bias' (outputs), as torch.nn.Linear's`);
  if (weight!.shape.length !== 2 || bias!.shape.length !== 1 || bias!.shape[0] !== weight!.shape[0]) {
    fail(`weight has shape [${weight!.shape}] and bias [${bias!.shape}]; downhill needs (outputs, features) and (outputs)`);
  }
  const [outputs, features] = weight!.shape as [number, number];
  // files from other tools carry no model name: 10 outputs are the classifier, 1 a regression
  const model = metadata.model !== undefined ? modelNamed(metadata.model, fail) : outputs === 1 ? LINEAR_REGRESSION : SOFTMAX_CLASSIFIER;
  if (outputs !== model.outputs) fail(`weight has ${outputs} outputs; a ${model.kind} has ${model.outputs}`);
  if (!validFeatures(model, features)) fail(`weight has ${features} features; a ${model.kind} needs ${model.task === 'regression' ? 'at least 1' : 'a multiple of 4'}`);
  // downhill's own files say what wrote them; other tools' carry none of these keys
  if ((metadata.format !== undefined || metadata.version !== undefined) && (metadata.format !== 'downhill-weights' || metadata.version !== '1')) {
    fail(`unsupported __metadata__ (format ${String(metadata.format)}, version ${String(metadata.version)}; this downhill reads downhill-weights version 1)`);
  }
  if (metadata.features !== undefined && metadata.features !== String(features)) fail(`corrupt __metadata__ (features ${metadata.features}; weight has ${features})`);
  const values = new Float64Array(outputs * features + outputs);
  values.set(weight!.values);
  values.set(bias!.values, outputs * features);
  const describe = () => {
    if (model.task !== 'regression') return null;
    if (metadata.units === undefined) fail('has no regression description in its __metadata__ (units, names, target, intercept): downhill cannot tell which column each weight belongs to');
    let names: unknown;
    try {
      names = JSON.parse(metadata.names ?? '');
    } catch {
      fail('corrupt __metadata__ (names is not a JSON list)');
    }
    const intercept = metadata.intercept === 'true' ? true : metadata.intercept === 'false' ? false : undefined;
    return regressionDescription({ units: metadata.units as 'data', names: names as string[], target: metadata.target, intercept }, features, values, fail);
  };
  return { model, features, values, describe };
}
