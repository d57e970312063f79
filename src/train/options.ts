/**
 * Validation of user-facing training options (CLI flags, the browser page's form), each failing
 * with a one-line UserError that names the option, the value and what is allowed.
 */
import { UserError, check } from '../errors';
import { decimal } from '../format';

export type BatchSizeOption = number | 'full';

const MAX_SEED = 2 ** 32 - 1;

/** float32's smallest normal and largest finite values: the kernels compute in float32. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
export const FLOAT32_MAX = 3.4028234663852886e38;

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  check(/^\s*\+?\d+\s*$/.test(text) && Number.isSafeInteger(value) && value > 0, `${flag} must be a positive whole number, got '${text}'`);
  return value;
}

export function parseBatchSize(text: string): BatchSizeOption {
  if (text.trim() === 'full') return 'full';
  const value = Number(text);
  check(/^\s*\+?\d+\s*$/.test(text) && Number.isSafeInteger(value) && value > 0, `--batch-size must be a whole number of at least 1, or 'full', got '${text}'`);
  return value;
}

/** Resolves 'full' and checks the size against the training set. */
export function resolveBatchSize(option: BatchSizeOption, examples: number): number {
  if (option === 'full') return examples;
  if (option > examples) throw new UserError(`--batch-size ${option} is larger than the ${examples} training examples (use 'full' for full-batch)`);
  return option;
}

export function parseEpochs(text: string): number {
  return positiveInteger('--epochs', text);
}

export function parseRecordEvery(text: string): number {
  return positiveInteger('--record-every', text);
}

export function parseLearningRate(text: string): number {
  const value = decimal(text);
  check(Number.isFinite(value) && value > 0, `--lr must be a positive finite number, got '${text}'`);
  check(value >= FLOAT32_MIN_NORMAL && value <= FLOAT32_MAX, `--lr ${text} cannot be represented in float32, which the kernels compute in (${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${FLOAT32_MAX.toPrecision(3)})`);
  return value;
}

export function parseSeed(text: string): number {
  const value = Number(text);
  check(/^\s*\d+\s*$/.test(text) && Number.isSafeInteger(value) && value <= MAX_SEED, `--seed must be a whole number from 0 to ${MAX_SEED}, got '${text}'`);
  return value;
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

/** A number in (min, max) (exclusive unless said), for the optimiser's and schedule's options. */
function numberIn(flag: string, text: string, min: number, max: number, what: string): number {
  const value = decimal(text);
  check(Number.isFinite(value) && value > min && value < max, `${flag} must be ${what}, got '${text}'`);
  return value;
}

export function parseMomentum(text: string): number {
  return numberIn('--momentum', text, 0, 1, 'a number between 0 and 1 (exclusive)');
}

export function parseBeta(flag: '--beta1' | '--beta2', text: string): number {
  return numberIn(flag, text, 0, 1, 'a number between 0 and 1 (exclusive)');
}

export function parseEpsilon(text: string): number {
  // below float32's smallest normal it becomes 0 in the kernels (a division by zero); above its
  // largest it cannot be compiled into them
  return numberIn('--epsilon', text, FLOAT32_MIN_NORMAL, FLOAT32_MAX, `a positive number float32 can hold (${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${FLOAT32_MAX.toPrecision(3)})`);
}

export function parseDecayFactor(text: string): number {
  return numberIn('--decay-factor', text, 0, 1, 'a number between 0 and 1 (exclusive)');
}

export function parseDecayEvery(text: string): number {
  return positiveInteger('--decay-every', text);
}

export function parseWarmup(text: string): number {
  const value = Number(text);
  check(/^\s*\d+\s*$/.test(text) && Number.isSafeInteger(value), `--warmup must be a whole number of updates (0 for none), got '${text}'`);
  return value;
}

export function parseNoise(text: string): number {
  const value = decimal(text);
  check(Number.isFinite(value) && value >= 0, `--noise must be a finite number of at least 0, got '${text}'`);
  return value;
}
