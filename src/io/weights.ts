/**
 * The weights file: a small JSON header, then the parameters as raw little-endian float32.
 *
 *   bytes 0-7   ASCII "DOWNHILL"
 *   bytes 8-11  u32 little-endian: header length H
 *   bytes 12..  H bytes of UTF-8 JSON: { format, version, model, classes, features, count,
 *               dtype, layout, crc32 }   (crc32 of the float32 bytes that follow)
 *   then        count float32: the softmax classifier's W (classes, features) row-major, then
 *               b (classes); linear regression's w (features) then b (classes = 1)
 * Regression files also say what the values mean: `units: "data"` (w and b in the data's units,
 * whatever scaling training used), the feature `names` in order, the `target` and `intercept`.
 * Files without `model` were written before regression could be saved: they are classifiers;
 * regression files without `units` hold w and b of standardised columns, of no use outside the run.
 *
 * Encoding and decoding are pure (no file system), so the browser can use them too.
 */
import { UserError } from '../errors';
import { LINEAR_REGRESSION, type Model, SOFTMAX_CLASSIFIER } from '../model';
import { checkPayload, decodeContainer, encodeContainer, readFloats } from './container';

const MAGIC = 'DOWNHILL';

export interface WeightsHeader {
  format: 'downhill-weights';
  version: 1;
  model: Model['kind'];
  /** outputs: classes of the classifier, 1 for regression */
  classes: number;
  features: number;
  count: number;
  dtype: 'float32';
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

/** `params` in `model`'s padded layout for `features`; only the meaningful values are written. */
export function encodeWeights(params: Float32Array, model: Model, features: number, description?: RegressionDescription): Uint8Array {
  const layout = model.layout(features);
  const values = new Uint8Array(Float32Array.from(params.subarray(0, layout.count)).buffer);
  const header: Omit<WeightsHeader, 'crc32'> = {
    format: 'downhill-weights',
    version: 1,
    model: model.kind,
    classes: model.outputs,
    features: layout.features,
    count: layout.count,
    dtype: 'float32',
    layout: model.layoutText,
  };
  return encodeContainer(MAGIC, { ...header, ...(description ?? {}) }, values);
}

/** Any weights file: its model, features and values (count of them), and a regression file's description. */
export function readWeights(bytes: Uint8Array, name: string): { model: Model; features: number; values: Float32Array; description: RegressionDescription | null } {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  const { header: raw } = decodeContainer(bytes, name, MAGIC, 'a downhill weights file');
  const header = raw as Partial<WeightsHeader & RegressionDescription>;
  const model = header.model === undefined || header.model === SOFTMAX_CLASSIFIER.kind ? SOFTMAX_CLASSIFIER : header.model === LINEAR_REGRESSION.kind ? LINEAR_REGRESSION : fail(`unknown model '${String(header.model)}'`);
  const features = header.features;
  const valid = Number.isSafeInteger(features) && (features as number) >= 1 && (features as number) <= 1e8 && (model.task === 'regression' || (features as number) % 4 === 0);
  if (!valid) fail(`corrupt header (features ${String(features)})`);
  const params = decodeWeights(bytes, name, model, features!);
  let description: RegressionDescription | null = null;
  if (model.task === 'regression') {
    const names = header.names;
    const ok = header.units === 'data' && Array.isArray(names) && names.length === features && names.every((n) => typeof n === 'string') && typeof header.target === 'string' && typeof header.intercept === 'boolean';
    if (header.units === undefined) fail('was written before regression weights were saved in the data\'s units (its values are of standardised columns): train again with --save');
    if (!ok) fail('corrupt header (the regression description: units, names, target, intercept)');
    description = { units: 'data', names: names!, target: header.target!, intercept: header.intercept! };
  }
  return { model, features: features!, values: params.subarray(0, model.layout(features!).count), description };
}

/** Returns `model`'s parameters in the padded layout for `features`, or throws a UserError naming the problem. */
export function decodeWeights(bytes: Uint8Array, name: string, model: Model, features: number): Float32Array {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  const { header: raw, payload } = decodeContainer(bytes, name, MAGIC, 'a downhill weights file');
  const header = raw as Partial<WeightsHeader>;
  if (header.format !== 'downhill-weights' || header.version !== 1 || header.dtype !== 'float32') {
    fail(`unsupported header (format ${String(header.format)}, version ${String(header.version)}, dtype ${String(header.dtype)})`);
  }
  const kind = header.model ?? SOFTMAX_CLASSIFIER.kind;
  if (kind !== model.kind) fail(`weights are for a ${String(kind)} model; this needs a ${model.kind}`);
  const layout = model.layout(features);
  if (header.classes !== model.outputs || header.features !== features || header.count !== layout.count) {
    fail(`weights are for ${header.classes} outputs x ${header.features} features (${header.count} values); this data needs ${model.outputs} x ${features} (${layout.count})`);
  }
  checkPayload(raw, payload, layout.count * 4, name, 'float32 values');
  const params = new Float32Array(layout.paddedCount);
  readFloats(payload, params.subarray(0, layout.count), name, 'the values');
  return params;
}
