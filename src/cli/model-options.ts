/**
 * The train command's options that shape the model and its data rather than the optimisation:
 * regression's --test-fraction, --standardize, --intercept and --loss, every task's --shuffle and
 * --init; and how the learned parameters are printed.
 */
import { choice, cliNaming } from '../command/args';
import { type Parameters, frobeniusNorm, storedParams } from '../data/parameters';
import type { RegressionLoss, RegressionOptions } from '../data/regression';
import { regressionOptions } from '../data/regression-data';
import { type TrainingData, modelOf } from '../data/training-data';
import { UserError, check } from '../errors';
import { decimal } from '../format';
import { readInput } from '../io/files';
import { isWeightsFile, readWeights } from '../io/weights';
import { refuseCheckpointAsWeights } from './checkpointing';

const ON_OFF = ['on', 'off'] as const;

/** on|off as a boolean; undefined when not given. */
export function onOff(flag: string, value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : choice(flag, value, ON_OFF, 'on') === 'on';
}

/** The regression options given (the data's defaults apply to the rest). */
export function regressionOptionsFrom(str: (k: string) => string | undefined): Partial<RegressionOptions> {
  const o: Partial<RegressionOptions> = {};
  const fraction = str('test-fraction');
  if (fraction !== undefined) o.testFraction = decimal(fraction);
  const standardize = onOff('--standardize', str('standardize'));
  if (standardize !== undefined) o.standardize = standardize;
  const intercept = onOff('--intercept', str('intercept'));
  if (intercept !== undefined) o.intercept = intercept;
  if (str('loss') !== undefined) o.loss = str('loss') as RegressionLoss;
  regressionOptions(o, cliNaming(str)); // the library's checks, in the flags' names
  return o;
}

/**
 * --init: 'zeros' (undefined: fit's default), a JSON list of numbers given inline ('[1.0]'), or
 * a file holding weights (downhill's file or safetensors) or such a list. Values are in the data's units.
 */
export function initialValues(text: string, data: TrainingData): number[] | undefined {
  if (text === 'zeros') return undefined;
  const name = `--init ${text}`;
  const values = valuesOf(text, data, name);
  storedParams(data, values, name); // refuses a wrong count here, naming --init (fit would say 'fit: init')
  return values;
}

function valuesOf(text: string, data: TrainingData, name: string): number[] {
  if (text.trim().startsWith('[')) return numberList(text, name);
  const bytes = readInput(text, name);
  refuseCheckpointAsWeights(bytes, text, '--init');
  if (isWeightsFile(bytes)) {
    const w = readWeights(bytes, text);
    const model = modelOf(data);
    check(w.model.kind === model.kind, `${name}: weights are for a ${w.model.kind} model; this run trains a ${model.kind}`);
    check(w.features === data.features, `${name}: weights are for ${w.features} features; this data has ${data.features}`);
    return data.task === 'regression' && w.description ? byFeatureName(w.values, w.description.names, data.names, name) : Array.from(w.values);
  }
  return numberList(new TextDecoder().decode(bytes), name);
}

/** A regression file's weights in the data's column order, matched by name (its intercept last, as it is). */
function byFeatureName(values: Float64Array, fileNames: readonly string[], dataNames: readonly string[], name: string): number[] {
  const at = new Map(fileNames.map((n, j) => [n, j]));
  const missing = dataNames.filter((n) => !at.has(n));
  const list = (names: readonly string[]) => (names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length})` : names.join(', '));
  check(missing.length === 0 && at.size === dataNames.length, `${name}: weights are for the features ${list(fileNames)}; this data's are ${list(dataNames)} (weights are matched to columns by name)`);
  return [...dataNames.map((n) => values[at.get(n)!]!), ...Array.from(values.subarray(dataNames.length))];
}

function numberList(text: string, name: string): number[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new UserError(`${name}: expected 'zeros', a weights file (downhill's or safetensors), or a JSON list of numbers such as [1.0, 0.5]`);
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new UserError(`${name}: expected a non-empty JSON list of finite numbers such as [1.0, 0.5]`);
  }
  return list as number[];
}

/** Regression equations with at most this many terms are printed whole; the rest are in --json. */
const PRINTED_TERMS = 12;

/**
 * Significant digits for the printed equation: 6 where that reproduces the model's predictions
 * (on the training rows) to about a millionth of their size; more where its terms cancel, each of
 * them much larger than the prediction (a feature near 1e6 of deviation 1: terms near 6e5 for
 * predictions near 7), by as many digits as they are larger, up to float64's 17.
 */
export function equationDigits(data: TrainingData, p: Parameters): number {
  if (data.task !== 'regression' || p.model !== 'linear-regression') return 6;
  const { split: { train, featureScale } } = data;
  const b = p.intercept ?? 0;
  let largestTerms = 0;
  let largestPrediction = 0;
  for (let r = 0; r < train.count; r++) {
    let terms = Math.abs(b);
    let prediction = b;
    for (let j = 0; j < train.dims; j++) {
      const term = p.weights[j]! * (train.features[r * train.dims + j]! * featureScale[j]!.sd + featureScale[j]!.mean);
      terms += Math.abs(term);
      prediction += term;
    }
    largestTerms = Math.max(largestTerms, terms);
    largestPrediction = Math.max(largestPrediction, Math.abs(prediction));
  }
  if (largestTerms === 0) return 6;
  // terms that cancel to 0 everywhere: every digit matters
  const cancelled = largestPrediction === 0 ? Infinity : largestTerms / largestPrediction;
  // terms beyond float64 (NaN, Infinity: the data check refuses them) print every digit, never throw
  if (!(cancelled <= 10)) return Number.isFinite(cancelled) ? Math.min(17, 7 + Math.ceil(Math.log10(cancelled))) : 17;
  return 6;
}

/** The learned parameters as the train command prints them: an equation for regression, a summary of W and b for the classifier. */
export function describeParameters(p: Parameters, digits = 6): string {
  const n = (v: number) => v.toPrecision(digits);
  if (p.model === 'linear-regression') {
    const terms = p.weights.slice(0, PRINTED_TERMS).map((w, j) => `${j === 0 ? n(w) : w < 0 ? `- ${n(-w)}` : `+ ${n(w)}`}·${p.names[j]}`);
    const more = p.weights.length > PRINTED_TERMS ? ` + … (${p.weights.length - PRINTED_TERMS} more terms in --json's parameters)` : '';
    const b = p.intercept === null ? ' (no intercept)' : ` ${p.intercept < 0 ? '-' : '+'} ${n(Math.abs(p.intercept))}`;
    return `parameters: ${p.target} = ${terms.join(' ')}${more}${b}`;
  }
  return `parameters: W (${p.W.length} x ${p.W[0]!.length}, Frobenius norm ${n(frobeniusNorm(p.W))}), b [${p.b.map((v) => v.toPrecision(4)).join(', ')}] (all of them: --save)`;
}
