/**
 * The one set of checks on a run's options, shared by the library (fit), the CLI and the page:
 * each refusal is a one-line UserError naming the field (`batchSize`, `optimizer.momentum`) and
 * the value. A shell that reads text parses it first (wholeNumberText, batchSizeText, decimal:
 * syntax only, NaN for what is not a number) and then calls these same checks with its own
 * Naming (src/fields.ts), so that the CLI's messages name its flags and quote what was typed.
 */
import { FIELDS, type Naming, demand, demandChoice, demandKnownKeys, isObject, isWhole } from '../fields';
import { UserError } from '../errors';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, decimal } from '../format';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerConstant, type OptimizerKind, RULES, SGD } from '../optim/optimizer';
import { CONSTANT, SCHEDULE_KINDS, type Schedule } from '../optim/schedule';

export type BatchSizeOption = number | 'full';

const MAX_SEED = 2 ** 32 - 1;

export { FLOAT32_MAX, FLOAT32_MIN_NORMAL };
const IN_FLOAT32 = `a positive number float32 can hold (${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${FLOAT32_MAX.toPrecision(3)})`;
/** float32's largest value below 1: a constant between 0 and 1 closer to 1 rounds to 1 in the kernels. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;
const FRACTION_IN_FLOAT32 = `a number between 0 and 1 (exclusive) that float32 holds as such (${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${FLOAT32_BELOW_ONE.toPrecision(8)})`;
/**
 * Adam's and RMSprop's epsilon is a small constant added to √v so that a step never divides by
 * zero: 1e-8 by default, 1 the largest used in practice; a larger one swamps √v and the steps vanish.
 */
const MAX_EPSILON = 1;
const EPSILON_RANGE = `a positive number float32 can hold, at most ${MAX_EPSILON} (${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${MAX_EPSILON}: it only keeps a step from dividing by zero; a larger one swamps the gradient's scale and the steps vanish)`;

/** Whether float32 holds `lr` as a normal number, as the checks on a rate ask. */
export function isFloat32Rate(lr: number): boolean {
  return lr >= FLOAT32_MIN_NORMAL && lr <= FLOAT32_MAX;
}

/** `lr / by` to `digits` significant digits, as a hint suggests it; null where float32 cannot hold it (the checks would refuse it). */
export function smallerRate(lr: number, by: number, digits: number): number | null {
  const smaller = Number((lr / by).toPrecision(digits));
  return isFloat32Rate(smaller) ? smaller : null;
}

/**
 * The constant default rate of an optimiser whose steps are about lr per parameter whatever the
 * data's scale (Adam, RMSprop: 0.001), or null for one whose rate follows plain SGD's 1/L.
 */
export function adaptiveDefaultRate(o: Optimizer = SGD): number | null {
  const rule = RULES[o.kind];
  return rule.defaultRate(1, o) === rule.defaultRate(2, o) ? rule.defaultRate(1, o) : null;
}

/**
 * The rate a hint suggests after `lr` proved too large: for Adam and RMSprop above their default,
 * that default (`adaptive`: a fraction of a rate like 1e10 is no better, the 1/L rule is SGD's);
 * else `lr / by` to `digits` digits; null where float32 holds no smaller rate.
 */
export function rateToTry(lr: number, by: number, digits: number, o: Optimizer = SGD): { lr: number; adaptive: boolean } | null {
  const constant = adaptiveDefaultRate(o);
  if (constant !== null && lr > constant) return { lr: constant, adaptive: true };
  const smaller = smallerRate(lr, by, digits);
  return smaller === null ? null : { lr: smaller, adaptive: false };
}

/** Why an adaptive optimiser's default is suggested rather than a fraction of the rate. */
export const ADAPTIVE_REASON = "its steps are about lr per parameter whatever the data's scale (the 1/L rule is SGD's)";

/** What a hint says where no smaller rate fits float32: the data's scale is the trouble. */
export const NO_SMALLER_RATE = "float32 holds no smaller rate: the data's scale is too large; standardise the features";

/** A schedule's settings where not given: constant; step decays by half every epoch; no warm-up. */
export const DEFAULT_SCHEDULE: Schedule = CONSTANT;

/**
 * A run's options as values: what the library's FitOptions (src/api/fit.ts) and a shell's parsed
 * text have in common. FitOptions extends it with the typed callbacks, resume and init.
 */
export interface TrainOptionValues {
  /** examples per update, 1..N, or 'full'. Default 100 (N when there are fewer examples) */
  batchSize?: BatchSizeOption;
  /** passes over the training set. Default 5 */
  epochs?: number;
  /** Default: from the training inputs' second moment, by optimiser and batch size (src/train/default-rate.ts) */
  lr?: number;
  /** seed of the per-epoch shuffle. Default 1 */
  seed?: number;
  /** updates between recordings of the whole-training-set loss. Default: 4 per epoch */
  recordEvery?: number;
  /** record at exactly these update counts instead (and at each epoch's end) */
  recordSteps?: readonly number[];
  /** also record the test set's loss and accuracy at each recording. Default false */
  recordTest?: boolean;
  /** stop after the chunk of updates during which the training clock passes this many ms */
  budgetMs?: number;
  /** draw a new order of the examples each epoch. Default true; false: every epoch in data order */
  shuffle?: boolean;
  /** evaluate the test set after training. Default: when the data has one */
  test?: boolean;
  /** Default plain SGD; unset constants take SGD's defaults */
  optimizer?: Partial<Optimizer>;
  /** Default constant (DEFAULT_SCHEDULE) */
  schedule?: Partial<Schedule>;
  checkpoint?: { everySteps?: number; everyMs?: number; write?: unknown };
  signal?: unknown;
  onProgress?: unknown;
}

/** The keys of TrainOptionValues, and of its nested objects: any other is a typo, refused. */
export const TRAIN_OPTION_KEYS = ['batchSize', 'epochs', 'lr', 'seed', 'recordEvery', 'recordSteps', 'recordTest', 'budgetMs', 'shuffle', 'test', 'optimizer', 'schedule', 'checkpoint', 'signal', 'onProgress'] as const;
const OPTIMIZER_KEYS = ['kind', 'momentum', 'beta1', 'beta2', 'epsilon'];
const SCHEDULE_KEYS = ['kind', 'every', 'factor', 'warmup'];
const CHECKPOINT_KEYS = ['everySteps', 'everyMs', 'write'];

/** Whether a field was set: for the CLI, its flag was given; for the library, see settingsGiven. */
export type WasSet = (field: string) => boolean;

const isNumberIn = (v: unknown, min: number, max: number) => typeof v === 'number' && v > min && v < max;
const isPositive = (v: unknown) => typeof v === 'number' && v > 0 && Number.isFinite(v);
const BETWEEN_0_AND_1 = 'a number between 0 and 1 (exclusive)';

/**
 * Refuses every impossible option of `o` (only the fields present are checked), and the
 * optimiser's and schedule's constants that the chosen kinds do not read (`kinds`: the sweep's
 * optimisers; one run has one). `set` says which fields were given: the library takes a constant
 * equal to its default (a whole Optimizer or Schedule object, as a result's config holds) as not
 * given.
 */
export function checkTrainOptions(o: TrainOptionValues, naming: Naming = FIELDS, set: WasSet = settingsGiven(o), kinds: readonly string[] = [o?.optimizer?.kind ?? 'sgd']): void {
  demand(isObject(o), 'options', o, 'an object of options', naming);
  const field = (name: string, value: unknown, ok: (v: unknown) => boolean, what: string) => {
    if (value !== undefined) demand(ok(value), name, value, what, naming);
  };
  field('batchSize', o.batchSize, (v) => v === 'full' || isWhole(v, 1), "a whole number of at least 1, or 'full'");
  field('epochs', o.epochs, (v) => isWhole(v, 1), 'a positive whole number');
  field('lr', o.lr, isPositive, 'a positive finite number');
  field('lr', o.lr, (v) => isFloat32Rate(v as number), IN_FLOAT32);
  field('seed', o.seed, (v) => isWhole(v, 0) && v <= MAX_SEED, `a whole number from 0 to ${MAX_SEED}`);
  field('recordEvery', o.recordEvery, (v) => isWhole(v, 1), 'a positive whole number');
  field('recordSteps', o.recordSteps, (v) => Array.isArray(v) && v.every((s) => isWhole(s, 0)), 'a list of whole numbers of updates');
  const twice = o.recordSteps?.find((s, i) => o.recordSteps!.indexOf(s) !== i);
  if (twice !== undefined) throw new UserError(`${naming.name('recordSteps')} lists ${twice} twice`);
  field('budgetMs', o.budgetMs, isPositive, 'a positive number of milliseconds');
  for (const flag of ['shuffle', 'test', 'recordTest'] as const) field(flag, o[flag], (v) => typeof v === 'boolean', 'true or false');
  field('signal', o.signal, (v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean', 'an AbortSignal');
  field('onProgress', o.onProgress, (v) => typeof v === 'function', 'a function');
  const c = o.checkpoint;
  field('checkpoint', c, isObject, 'an object { everySteps, everyMs, write }');
  field('checkpoint.everySteps', c?.everySteps, (v) => isWhole(v, 1), 'a positive whole number of updates');
  field('checkpoint.everyMs', c?.everyMs, isPositive, 'a positive number of milliseconds');
  if (c !== undefined) demandKnownKeys('checkpoint', c, CHECKPOINT_KEYS, naming);
  if (c !== undefined) field('checkpoint.write', c.write ?? null, (v) => typeof v === 'function', 'a function that takes the checkpoint');
  // null is refused as not an object: only undefined means "the default"
  checkOptimizer(o.optimizer === undefined ? {} : o.optimizer, naming, set, kinds);
  checkSchedule(o.schedule === undefined ? {} : o.schedule, naming, set);
}

function checkOptimizer(opt: Partial<Optimizer>, naming: Naming, set: WasSet, kinds: readonly string[]): void {
  demand(isObject(opt), 'optimizer', opt, 'an object { kind, momentum, beta1, beta2, epsilon }', naming);
  demandKnownKeys('optimizer', opt, OPTIMIZER_KEYS, naming);
  for (const kind of kinds) demandChoice('optimizer.kind', kind, OPTIMIZER_KINDS, naming);
  for (const constant of ['momentum', 'beta1', 'beta2', 'epsilon'] as const) {
    const name = `optimizer.${constant}`;
    const users = OPTIMIZER_KINDS.filter((k) => RULES[k].constants.includes(constant as OptimizerConstant));
    const read = kinds.some((k) => users.includes(k as OptimizerKind));
    if (opt[constant] === undefined || !(read || set(name))) continue;
    if (constant === 'epsilon') demand(typeof opt.epsilon === 'number' && opt.epsilon >= FLOAT32_MIN_NORMAL && opt.epsilon <= MAX_EPSILON, name, opt.epsilon, EPSILON_RANGE, naming);
    else demand(isNumberIn(opt[constant], 0, 1) && opt[constant]! >= FLOAT32_MIN_NORMAL && opt[constant]! <= FLOAT32_BELOW_ONE, name, opt[constant], FRACTION_IN_FLOAT32, naming);
    if (!read) throw new UserError(`${naming.name(name)} applies to ${naming.name('optimizer.kind')} ${users.join(' or ')} only`);
  }
}

function checkSchedule(s: Partial<Schedule>, naming: Naming, set: WasSet): void {
  demand(isObject(s), 'schedule', s, 'an object { kind, every, factor, warmup }', naming);
  demandKnownKeys('schedule', s, SCHEDULE_KEYS, naming);
  if (s.kind !== undefined) demandChoice('schedule.kind', s.kind, SCHEDULE_KINDS, naming);
  const stepped = s.kind === 'step';
  const rules = { every: [(v: unknown) => isWhole(v, 1), 'a positive whole number'], factor: [(v: unknown) => isNumberIn(v, 0, 1), BETWEEN_0_AND_1] } as const;
  for (const constant of ['every', 'factor'] as const) {
    const name = `schedule.${constant}`;
    if (s[constant] === undefined || !(stepped || set(name))) continue;
    demand(rules[constant][0](s[constant]), name, s[constant], rules[constant][1], naming);
    if (!stepped) throw new UserError(`${naming.name(name)} applies to ${naming.name('schedule.kind')} step only`);
  }
  if (s.warmup !== undefined) demand(isWhole(s.warmup, 0), 'schedule.warmup', s.warmup, 'a whole number of updates (0 for none)', naming);
}

/** The run's length as a schedule's check needs it; a sweep gives its shortest configuration's (its largest batch size). */
export interface RunLength {
  epochs: number;
  updatesPerEpoch: number;
  batchSize: number;
  /** a sweep's: the batch size named is its largest of several */
  largestOf?: boolean;
}

/**
 * Refuses a schedule the run is too short for, whose rate would silently never do what was
 * asked: a warm-up of at least the run's updates (the rate never reaches its base; a cosine never
 * starts its decay) and step decay every `every` epochs with `every` at least the run's epochs
 * (the rate never decays).
 */
export function checkScheduleFits(s: Schedule, run: RunLength, naming: Naming = FIELDS): void {
  const updates = run.epochs * run.updatesPerEpoch;
  const epochs = `${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`;
  const batch = `batch ${run.batchSize}${run.largestOf ? ', the largest' : ''}`;
  if (s.warmup > 0 && s.warmup >= updates) {
    throw new UserError(`${naming.name('schedule.warmup')} ${s.warmup} is not shorter than the run's ${updates} updates (${epochs} of ${run.updatesPerEpoch} at ${batch}): the rate would never reach its base; give fewer updates of warm-up or more ${naming.name('epochs')}`);
  }
  if (s.kind === 'step' && s.every >= run.epochs) {
    throw new UserError(`${naming.name('schedule.every')} ${s.every} is not shorter than the run's ${epochs}: the rate would never decay; decay more often or give more ${naming.name('epochs')}`);
  }
}

/**
 * The library's reading of "given": a constant differing from its default. A whole Optimizer or
 * Schedule object (SGD, CONSTANT, DEFAULT_SCHEDULE, a result's config) sets nothing it does not
 * use; `{ kind: 'sgd', momentum: 0.5 }` sets a momentum that plain SGD would ignore.
 */
export function settingsGiven(o: TrainOptionValues): WasSet {
  const defaults: Record<string, readonly unknown[]> = {
    'optimizer.momentum': [SGD.momentum], 'optimizer.beta1': [SGD.beta1], 'optimizer.beta2': [SGD.beta2], 'optimizer.epsilon': [SGD.epsilon],
    'schedule.every': [DEFAULT_SCHEDULE.every, CONSTANT.every], 'schedule.factor': [DEFAULT_SCHEDULE.factor, CONSTANT.factor],
  };
  return (field) => {
    const [group, key] = field.split('.') as ['optimizer' | 'schedule', string];
    const value = (o[group] as Record<string, unknown> | undefined)?.[key];
    return value !== undefined && !(defaults[field] ?? []).includes(value);
  };
}

/** The batch size when none is given: 100 examples, or all of them where there are fewer. */
export function defaultBatchSize(examples: number): number {
  return Math.min(100, examples);
}

/** Resolves 'full' and checks the size against the training set. */
export function resolveBatchSize(option: BatchSizeOption, examples: number, naming: Naming = FIELDS): number {
  if (option === 'full') return examples;
  if (option > examples) throw new UserError(`${naming.name('batchSize')} ${option} is larger than the ${examples} training examples (use 'full' for full-batch)`);
  return option;
}

/** Refuses a recording asked for after the run's last update (`updates`: epochs × updates per epoch). */
export function checkRecordSteps(recordSteps: readonly number[] | undefined, updates: number, naming: Naming = FIELDS): void {
  const beyond = recordSteps?.find((s) => s > updates);
  if (beyond !== undefined) throw new UserError(`${naming.name('recordSteps')} asks for update ${beyond}, beyond the run's ${updates} updates`);
}

/** Text that is a whole number (digits, spaces around, an optional +) as that number, else NaN: the checks then refuse it. */
export function wholeNumberText(text: string): number {
  return /^\s*\+?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

export function batchSizeText(text: string): BatchSizeOption {
  return text.trim() === 'full' ? 'full' : wholeNumberText(text);
}

/**
 * One option from text, checked on its own (a sweep's lists, the page's form): `naming` says how
 * a refusal names it (default the field, with the text typed; the CLI passes its flag's).
 */
export function batchSizeFromText(text: string, naming: Naming = textNaming(text)): BatchSizeOption {
  return checkedAlone('batchSize', batchSizeText(text), naming);
}

export function lrFromText(text: string, naming: Naming = textNaming(text)): number {
  return checkedAlone('lr', decimal(text), naming);
}

export function seedFromText(text: string, naming: Naming = textNaming(text)): number {
  return checkedAlone('seed', wholeNumberText(text), naming);
}

function checkedAlone<T>(field: 'batchSize' | 'lr' | 'seed', value: T, naming: Naming): T {
  checkTrainOptions({ [field]: value }, naming);
  return value;
}

/** The library's field names, with the text that was typed as the value shown. */
export function textNaming(text: string): Naming {
  return { name: FIELDS.name, shown: () => `'${text}'` };
}

/** A run records the whole training set's loss about this many times at most, by default. */
const MOST_RECORDINGS = 20;

/**
 * Default recording interval: four recordings of the training loss per epoch, but no more than
 * about MOST_RECORDINGS in the whole run, so that 1000 epochs of four rows print a few lines, not
 * thousands (MNIST's default, 5 epochs of 600 updates, records every 150 either way).
 */
export function defaultRecordEvery(stepsPerEpoch: number, epochs: number): number {
  return Math.max(1, Math.ceil(stepsPerEpoch / 4), Math.ceil((stepsPerEpoch * epochs) / MOST_RECORDINGS));
}
