/**
 * The checkpoint file: everything `train --resume` needs to continue a run exactly where it
 * stopped. Same container as the weights file (magic "DOWNCKPT", a JSON header, a payload whose
 * crc32 the header carries):
 *   header  { format, version, tensors: [{ name, count }], metaBytes, crc32 }
 *   payload the tensors' float32 values, little-endian, in order: 'params' (padded layout),
 *           then the optimiser's state ('v' for momentum, 'm' and 'v' for Adam, the same
 *           layout), then metaBytes of UTF-8 JSON { run, state }:
 *           run: what the run was (batch size, rate, seed, recording interval, epochs, data
 *                size and checksum, step variant): a resume must match it
 *           state: TrainState (position, counters, clocks, RNG state, history)
 * The state is in the payload, under the checksum: a flipped bit in the position or the RNG
 * state is detected, not resumed from.
 * Pure (no file system).
 */
import { UserError, check } from '../errors';
import { FIELDS, type Naming, demand, demandBytes, demandKnownKeys, demandName, isObject, shownValue, writtenValue } from '../fields';
import { DEFAULT_OBJECTIVE, REGRESSION_LOSSES, type RegressionObjective } from '../data/regression';
import { regressionOptions } from '../data/regression-data';
import type { DataOrigin } from '../data/training-data';
import { MODELS, TASKS, type Task } from '../model';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind, stateArrays } from '../optim/optimizer';
import { SCHEDULE_KINDS, type Schedule } from '../optim/schedule';
import type { StackState, TrainState } from '../train/trainer';
import { type SweepConfig, type SweepRun, type SweepState, sweepModels } from '../train/sweep';
import { checkPayload, decodeContainer, encodeContainer, readFloats, startsWithMagic, CHECKPOINT_MAGIC } from './container';
import { isWeightsFile } from './weights';

const MAGIC = CHECKPOINT_MAGIC;

/** true when `bytes` are a checkpoint by their magic (decodeCheckpoint then says what is wrong, if anything). */
export function isCheckpointFile(bytes: Uint8Array): boolean {
  return startsWithMagic(bytes, MAGIC);
}

/** What a run is: a checkpoint resumes only a run that matches it. */
export interface RunIdentity {
  /** the model trained (checkpoints written before regression could be checkpointed: classification) */
  task: Task;
  /** regression's loss and intercept; null for the classifier (older checkpoints: the defaults) */
  objective: RegressionObjective | null;
  /** whether each epoch drew a new order (older checkpoints: true) */
  shuffle: boolean;
  batchSize: number;
  lr: number;
  seed: number;
  recordEvery: number;
  epochs: number;
  features: number;
  trainExamples: number;
  /** crc32 of the training images and labels: the same data, not just the same size */
  dataCrc32: number;
  backend: string;
  /** where the data came from (paths absolute), to load it again on resume */
  origin: DataOrigin;
  /** the WebGPU step variant that ran (a resume runs the same one, for identical results) */
  stepVariant: string | null;
  optimizer: Optimizer;
  schedule: Schedule;
}

export interface Checkpoint {
  run: RunIdentity;
  state: TrainState;
  params: Float32Array;
  /** the optimiser's state arrays, in stateArrays(run.optimizer.kind) order */
  optimizerState: Float32Array[];
}

const CHECKPOINT_KEYS = ['run', 'state', 'params', 'optimizerState'];

const isVector = (a: unknown): a is ArrayLike<number> => Array.isArray(a) || a instanceof Float32Array || a instanceof Float64Array;

/** A checkpoint's shape as decodeCheckpoint returns it (and fit hands checkpoint.write): a run, a state, the parameters and the optimiser's arrays. */
function isCheckpoint(c: unknown): c is Checkpoint {
  return isObject(c) && isObject(c.state) && isVector(c.params) && Array.isArray(c.optimizerState) && c.optimizerState.every(isVector);
}

/**
 * Refuses an object that is no checkpoint (another key, a run description of the wrong types,
 * the wrong number of optimiser state arrays), naming `field` (encodeCheckpoint's argument, or
 * fit's resume.checkpoint). Whether its position is one of its run is positionProblem's to say
 * (a resume asks; encoding does not, so that a test can write an impossible file); the arrays'
 * lengths and values are checked where they are used (paddedParams; the file's reader).
 */
export function checkCheckpoint(c: unknown, field: string): asserts c is Checkpoint {
  demand(isCheckpoint(c), field, c, "a checkpoint { run, state, params, optimizerState } (decodeCheckpoint's result, or what fit hands checkpoint.write)");
  demandKnownKeys(field, c, CHECKPOINT_KEYS);
  demand(isRunDescription(c.run) && c.run.task !== undefined && c.run.origin !== undefined, `${field}.run`, c.run, "a run description (a decoded checkpoint's run)");
  const kind = c.run.optimizer.kind;
  const names = stateArrays(kind);
  check(c.optimizerState.length === names.length, `${field}.optimizerState holds ${c.optimizerState.length} arrays; ${kind} keeps ${names.length}${names.length === 0 ? '' : ` (${names.join(', ')})`}`);
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  checkCheckpoint(c, 'checkpoint');
  const arrays = [c.params, ...c.optimizerState];
  check(arrays.every((a) => a.every(Number.isFinite)), 'checkpoint: refusing to checkpoint values that are not finite');
  const names = ['params', ...stateArrays(c.run.optimizer.kind)];
  const meta = new TextEncoder().encode(JSON.stringify({ run: c.run, state: c.state }));
  const floats = arrays.reduce((n, a) => n + a.length, 0);
  const payload = new Uint8Array(floats * 4 + meta.length);
  let at = 0;
  for (const a of arrays) {
    payload.set(new Uint8Array(Float32Array.from(a).buffer), at);
    at += a.length * 4;
  }
  payload.set(meta, at);
  const tensors = arrays.map((a, i) => ({ name: names[i]!, count: a.length }));
  return encodeContainer(MAGIC, { format: 'downhill-checkpoint', version: 1, tensors, metaBytes: meta.length }, payload);
}

export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint bytes'): Checkpoint {
  demandBytes('bytes', bytes, "a checkpoint's bytes");
  demandName('name', name);
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (!isCheckpointFile(bytes) && isWeightsFile(bytes)) fail('is a weights file (the parameters alone), not a training checkpoint');
  const { header, payload } = decodeContainer(bytes, name, MAGIC, 'a downhill checkpoint');
  if (header.format !== 'downhill-checkpoint' || header.version !== 1) fail(`unsupported checkpoint (format ${String(header.format)}, version ${String(header.version)})`);
  const tensors = header.tensors as Array<{ name: string; count: number }>;
  const metaBytes = header.metaBytes;
  if (!Array.isArray(tensors) || tensors.length < 1 || tensors.length > 3 || tensors[0]?.name !== 'params' || !isCount(metaBytes, 2) ||
    !tensors.every((t) => typeof t === 'object' && t !== null && isCount(t.count, 1) && t.count === tensors[0]!.count)) {
    fail('corrupt header (tensors)');
  }
  const count = tensors[0]!.count;
  const floatBytes = count * 4 * tensors.length;
  checkPayload(header, payload, floatBytes + (metaBytes as number), name, 'parameters and state');
  let meta: { run?: RunIdentity; state?: TrainState };
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(floatBytes))) as typeof meta;
  } catch {
    return fail('corrupt training state (not valid JSON)');
  }
  const { run, state } = meta;
  if (typeof run === 'object' && run !== null && run.optimizer === undefined && run.schedule === undefined) {
    fail('is an older checkpoint format (downhill-checkpoint version 1 as written before 2026-11-22, without the optimizer and schedule), which this downhill cannot resume: train again');
  }
  // written before regression could be checkpointed: a classifier, its folder in `data`
  const legacy = (run ?? {}) as { data?: string | null };
  const runOk = isRunDescription(run);
  if (!runOk) fail('corrupt training state (run description)');
  run!.task ??= 'classification';
  run!.shuffle ??= true;
  run!.objective ??= run!.task === 'regression' ? DEFAULT_OBJECTIVE : null;
  const objectiveOk = run!.task === 'regression'
    ? typeof run!.objective === 'object' && run!.objective !== null && REGRESSION_LOSSES.includes(run!.objective.loss) && typeof run!.objective.intercept === 'boolean'
    : run!.objective === null;
  if (typeof run!.shuffle !== 'boolean' || !objectiveOk) fail('corrupt training state (run description)');
  run!.origin ??= { kind: 'mnist', dir: legacy.data ?? null };
  delete legacy.data;
  // a checkpoint written by hand (its checksum recomputed) must still describe a run that can be
  const problem = positionProblem(run!, state);
  if (problem !== null) fail(problem);
  const model = MODELS[run!.task];
  if (model.task === 'classification' && run!.features % 4 !== 0) fail('corrupt run description: the classifier\'s features are a multiple of 4');
  const padded = model.layout(run!.features).paddedCount;
  if (count !== padded) fail(`holds ${count} parameters; a ${model.kind} of ${run!.features} features needs ${padded}`);
  const names = ['params', ...stateArrays(run!.optimizer.kind)];
  if (tensors.map((t) => t.name).join() !== names.join()) fail(`holds ${tensors.map((t) => t.name).join(', ')}; ${run!.optimizer.kind} needs ${names.join(', ')}`);
  const arrays = tensors.map((_, i) => {
    const a = new Float32Array(count);
    readFloats(payload.subarray(i * count * 4, (i + 1) * count * 4), a, name, i === 0 ? 'the parameters' : `the optimizer's ${names[i]}`);
    return a;
  });
  return { run: run!, state: state!, params: arrays[0]!, optimizerState: arrays.slice(1) };
}

/**
 * What makes `state` impossible as a position of `run` (decodeCheckpoint's, or a checkpoint
 * object edited by hand), or null: a batch larger than the run's examples, a counter that is not
 * a whole number, a position outside the run, a count of updates that disagrees with the position.
 */
export function positionProblem(run: RunIdentity, state: unknown): string | null {
  if (run.batchSize > run.trainExamples) return `corrupt run description: batch size ${run.batchSize} is larger than its ${run.trainExamples} training examples`;
  const problem = stateProblem(run, state);
  return problem === null ? null : `corrupt training state${problem}`;
}

/** What makes `state` impossible for `run`, as the end of a sentence ('' or ': state.epoch must be …'); null if nothing. */
function stateProblem(run: RunIdentity, state: unknown): string | null {
  if (!isObject(state)) return '';
  for (const key of ['epoch', 'stepInEpoch', 'steps', 'samples', 'windowFirst', 'rngState'] as const) {
    if (!isCount(state[key])) return `: state.${key} must be a whole number of at least 0, got ${shownValue(state[key])}`;
  }
  if ((state.rngState as number) >= 2 ** 32) return `: state.rngState must be below 2^32, got ${String(state.rngState)}`;
  for (const key of ['trainMs', 'evalMs'] as const) {
    if (!(typeof state[key] === 'number' && state[key] >= 0)) return `: state.${key} must be a number of at least 0, got ${shownValue(state[key])}`;
  }
  if (!Array.isArray(state.history) || !state.history.every((h: unknown) => isObject(h) && isCount(h.step) && typeof h.loss === 'number')) return ': state.history must be a list of { step, loss, … }';
  const { epoch, stepInEpoch, steps } = state as unknown as TrainState;
  const perEpoch = Math.ceil(run.trainExamples / run.batchSize);
  if (epoch > run.epochs || stepInEpoch >= perEpoch || (epoch === run.epochs && stepInEpoch > 0)) {
    return `: update ${stepInEpoch} of epoch ${epoch + 1} is outside a run of ${run.epochs} epochs of ${perEpoch} updates`;
  }
  if (steps !== epoch * perEpoch + stepInEpoch) return `: state.steps is ${steps}, but update ${stepInEpoch} of epoch ${epoch + 1} (of ${perEpoch} updates) is update ${epoch * perEpoch + stepInEpoch}`;
  return null;
}

/** A run description of the right types (a legacy one's task and origin may be absent: decodeCheckpoint fills them in). */
export function isRunDescription(run: unknown): run is RunIdentity {
  if (!isObject(run)) return false;
  const legacy = run as { data?: unknown };
  const r = run as unknown as RunIdentity;
  return isCount(r.batchSize, 1) && typeof r.lr === 'number' && r.lr > 0 && isCount(r.seed) && isCount(r.recordEvery, 1) && isCount(r.epochs, 1) &&
    (r.task === undefined || TASKS.includes(r.task)) && isCount(r.features, 1) && isCount(r.trainExamples, 1) && isCount(r.dataCrc32) && typeof r.backend === 'string' &&
    (r.stepVariant === null || typeof r.stepVariant === 'string') && (r.origin === undefined || isOrigin(r.origin)) &&
    (legacy.data === undefined || legacy.data === null || typeof legacy.data === 'string') &&
    typeof r.optimizer === 'object' && r.optimizer !== null && OPTIMIZER_KINDS.includes(r.optimizer.kind) &&
    [r.optimizer.momentum, r.optimizer.beta1, r.optimizer.beta2, r.optimizer.epsilon].every((x) => typeof x === 'number') &&
    typeof r.schedule === 'object' && r.schedule !== null && SCHEDULE_KINDS.includes(r.schedule.kind) &&
    [r.schedule.every, r.schedule.factor, r.schedule.warmup].every((x) => typeof x === 'number');
}

const isCount = (x: unknown, min = 0): x is number => Number.isSafeInteger(x) && (x as number) >= min;

function isOrigin(o: unknown): o is DataOrigin {
  if (typeof o !== 'object' || o === null) return false;
  const x = o as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v !== '';
  const whole = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
  switch (x.kind) {
    case 'mnist': return x.dir === null || text(x.dir);
    case 'csv': return text(x.path) && text(x.target) && isRegressionOptions(x.options);
    case 'synthetic': return whole(x.rows) && whole(x.features) && typeof x.noise === 'number' && x.noise >= 0 && isRegressionOptions(x.options);
    case 'arrays': return true;
    default: return false;
  }
}

/** An origin's regression options: absent (the defaults), or only known fields of the right types. */
function isRegressionOptions(o: unknown): boolean {
  if (o === undefined) return true;
  if (typeof o !== 'object' || o === null) return false;
  const x = o as Record<string, unknown>;
  const known: Record<string, (v: unknown) => boolean> = {
    testFraction: (v) => typeof v === 'number' && v >= 0 && v < 1,
    standardize: (v) => typeof v === 'boolean',
    intercept: (v) => typeof v === 'boolean',
    loss: (v) => (REGRESSION_LOSSES as readonly unknown[]).includes(v),
  };
  return Object.entries(x).every(([k, v]) => known[k]?.(v) === true);
}

/**
 * Regression's options of the data itself, named where they differ: each changes the rows trained
 * on (which are held out, how they are scaled), so the data's checksum would differ and take the blame.
 */
function checkDataOptions(saved: DataOrigin, asked: DataOrigin | undefined, name: string, naming: Naming): void {
  const options = (o: DataOrigin | undefined) => (o?.kind === 'csv' || o?.kind === 'synthetic' ? regressionOptions(o.options) : undefined);
  const was = options(saved);
  const is = options(asked);
  if (!was || !is) return;
  for (const key of ['testFraction', 'standardize'] as const) {
    if (was[key] !== is[key]) throw differentRun(name, [[key, was[key], is[key]]], naming);
  }
}

/**
 * Refuses to resume a checkpoint into a different run, naming the first difference: each value
 * the user asked for explicitly (undefined: take the checkpoint's) and the data; options in
 * `naming`'s terms (the library's fields, or the CLI's flags).
 */
export function checkResumable(saved: RunIdentity, asked: { [K in keyof RunIdentity]?: RunIdentity[K] }, name: string, naming: Naming = FIELDS): void {
  const labels: Record<keyof RunIdentity, string> = {
    // the model first: another model's checkpoint differs in everything after it
    task: naming.name('task'), objective: `objective (${naming.name('loss')}, ${naming.name('intercept')})`, shuffle: naming.name('shuffle'), batchSize: naming.name('batchSize'),
    lr: naming.name('lr'), seed: naming.name('seed'), recordEvery: naming.name('recordEvery'), epochs: naming.name('epochs'), features: 'features',
    trainExamples: 'training examples', dataCrc32: 'training data checksum', backend: naming.name('backend'), origin: 'data', stepVariant: naming.name('stepVariant'),
    optimizer: 'optimizer', schedule: 'schedule',
  };
  const show = (x: unknown) => (typeof x === 'object' ? JSON.stringify(x) : String(x));
  checkDataOptions(saved.origin, asked.origin, name, naming);
  for (const key of Object.keys(labels) as Array<keyof RunIdentity>) {
    // a resumed run may be given more (or fewer) epochs; the data may have moved (its checksum must match)
    if (key === 'epochs' || key === 'origin') continue;
    const value = asked[key];
    if (value === undefined || show(value) === show(saved[key])) continue;
    const was = saved[key];
    if (isRecord(was) && isRecord(value)) throw differentRun(name, differingFields(key, was, value), naming);
    throw new UserError(`${name} was written by a different run: its ${labels[key]} is ${writtenValue(naming, key, was)}, this run's is ${writtenValue(naming, key, value)}`);
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The fields of a setting made of several (the optimizer, the schedule, the objective) that
 * differ, as [field, checkpoint's, this run's]: the kind alone where it differs (the other
 * constants belong to the kind).
 */
function differingFields(key: string, was: Record<string, unknown>, is: Record<string, unknown>): Array<[string, unknown, unknown]> {
  // the objective's fields are options of their own (loss, intercept); the others' are optimizer.kind, schedule.warmup, ...
  const field = (k: string) => (key === 'objective' ? k : `${key}.${k}`);
  const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter((k) => JSON.stringify(was[k]) !== JSON.stringify(is[k]));
  const shown = keys.includes('kind') ? ['kind'] : keys;
  return shown.map((k) => [field(k), was[k], is[k]]);
}

/** The refusal of a checkpoint written by a run that differs in `fields` ([field, checkpoint's, this run's]). */
function differentRun(name: string, fields: Array<[string, unknown, unknown]>, naming: Naming): UserError {
  const each = fields.map(([field, was, is]) => `its ${naming.name(field)} is ${writtenValue(naming, field, was)}, this run's is ${writtenValue(naming, field, is)}`);
  return new UserError(`${name} was written by a different run: ${each.join('; ')}`);
}

/** What a sweep is: its checkpoint resumes only the same sweep, on the same data and backend. */
export interface SweepIdentity {
  config: SweepConfig;
  task: Task;
  trainExamples: number;
  /** crc32 of the training data: the same data, not just the same size */
  dataCrc32: number;
  backend: string;
  /** where the data came from, to load it again on resume */
  origin: DataOrigin;
}

/**
 * A sweep's checkpoint: the same container as a run's (magic "DOWNCKPT"), format
 * 'downhill-sweep-checkpoint'. Its tensors: each finished configuration's parameters
 * ('runs[i].params'), then the current batch size's ('current[k].params' and its optimiser's
 * arrays, 'current[k].m' …); then UTF-8 JSON { sweep, state } with the runs' curves (a diverged
 * configuration's non-finite values kept, as strings) and the current stack's StackState.
 */
export interface SweepCheckpoint {
  sweep: SweepIdentity;
  state: SweepState;
}

const SWEEP_FORMAT = 'downhill-sweep-checkpoint';

/** A SweepState as its checkpoint's JSON holds it: the arrays are tensors. */
type StoredSweepState = Omit<SweepState, 'runs' | 'current'> & { runs: Array<Omit<SweepRun, 'params'>>; current: { state: StackState } | null };
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** Whether checkpoint bytes are a sweep's (their header says so). */
export function isSweepCheckpointFile(bytes: Uint8Array): boolean {
  if (!isCheckpointFile(bytes)) return false;
  try {
    return decodeContainer(bytes, 'checkpoint', MAGIC, 'a downhill checkpoint').header.format === SWEEP_FORMAT;
  } catch {
    return false;
  }
}

export function encodeSweepCheckpoint(c: SweepCheckpoint): Uint8Array {
  const { runs, current, ...rest } = c.state;
  const tensors: Array<{ name: string; values: Float32Array }> = runs.map((r, i) => ({ name: `runs[${i}].params`, values: r.params }));
  current?.params.forEach((params, k) => {
    tensors.push({ name: `current[${k}].params`, values: params });
    current.optimizerStates[k]!.forEach((values, i) => tensors.push({ name: `current[${k}].${stateArrays(sweepKind(c.sweep.config, k))[i]}`, values }));
  });
  const state = { ...rest, runs: runs.map(({ params: _, ...r }) => r), current: current && { state: current.state } };
  const meta = new TextEncoder().encode(JSON.stringify({ sweep: c.sweep, state }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
  const floats = tensors.reduce((n, t) => n + t.values.length, 0);
  const payload = new Uint8Array(floats * 4 + meta.length);
  let at = 0;
  for (const t of tensors) {
    payload.set(new Uint8Array(Float32Array.from(t.values).buffer), at);
    at += t.values.length * 4;
  }
  payload.set(meta, at);
  return encodeContainer(MAGIC, { format: SWEEP_FORMAT, version: 1, tensors: tensors.map((t) => ({ name: t.name, count: t.values.length })), metaBytes: meta.length }, payload);
}

export function decodeSweepCheckpoint(bytes: Uint8Array, name: string): SweepCheckpoint {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  const { header, payload } = decodeContainer(bytes, name, MAGIC, 'a downhill checkpoint');
  if (header.format !== SWEEP_FORMAT || header.version !== 1) fail(`unsupported sweep checkpoint (format ${String(header.format)}, version ${String(header.version)})`);
  const tensors = header.tensors as Array<{ name: string; count: number }>;
  if (!Array.isArray(tensors) || !tensors.every((t) => isObject(t) && typeof t.name === 'string' && isCount(t.count, 1)) || !isCount(header.metaBytes, 2)) fail('corrupt header (tensors)');
  const floatBytes = tensors.reduce((n, t) => n + t.count * 4, 0);
  checkPayload(header, payload, floatBytes + (header.metaBytes as number), name, 'parameters and state');
  const values = new Map<string, Float32Array>();
  let at = 0;
  for (const t of tensors) {
    // an aligned copy (a Buffer's subarray may sit at any offset in a pool); non-finite values kept: a diverged configuration's
    const copy = new Uint8Array(t.count * 4);
    copy.set(payload.subarray(at, at + t.count * 4));
    values.set(t.name, new Float32Array(copy.buffer));
    at += t.count * 4;
  }
  let meta: { sweep: SweepIdentity; state: StoredSweepState };
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(floatBytes)), (_, v: unknown) => (typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : v)) as typeof meta;
  } catch {
    return fail('corrupt sweep state (not valid JSON)');
  }
  const tensor = (key: string): Float32Array => values.get(key) ?? fail(`corrupt sweep checkpoint: no tensor ${key}`);
  try {
    const { sweep, state } = meta;
    const K = sweepModels(sweep.config).length;
    const runs = state.runs.map((r, i) => ({ ...r, params: tensor(`runs[${i}].params`) }));
    const current = state.current && {
      state: state.current.state,
      params: Array.from({ length: K }, (_, k) => tensor(`current[${k}].params`)),
      optimizerStates: Array.from({ length: K }, (_, k) => stateArrays(sweepKind(sweep.config, k)).map((array) => tensor(`current[${k}].${array}`))),
    };
    return { sweep, state: { ...state, runs, current } };
  } catch (e) {
    if (e instanceof UserError) throw e;
    return fail('corrupt sweep state');
  }
}

/** The optimiser of a sweep's configuration k, in the order the engine stacks them. */
function sweepKind(config: SweepConfig, k: number): OptimizerKind {
  return sweepModels(config)[k]!.optimizer;
}
