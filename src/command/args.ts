/**
 * Command-line parsing shared by every Node command (train, evaluate, the benchmarks):
 * node:util parseArgs, errors as UserErrors.
 */
import { parseArgs } from 'node:util';
import { UserError, check } from '../errors';
import { FIELDS, type Naming, shownValue, writtenValue } from '../fields';
import { checkEngineOptions } from '../api/options';
import type { AdapterChoice } from '../device/adapter-node';
import { decimal } from '../format';
import type { OptimizerKind } from '../optim/optimizer';
import { type BatchSizeOption, batchSizeFromText, checkTrainOptions, lrFromText, seedFromText, wholeNumberText } from '../train/options';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * parseArgs refuses `--lr -1` as ambiguous; a negative number after a value-taking option is
 * joined to it (`--lr=-1`) so that the option's own check can say what is wrong with it.
 */
function joinNegativeValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** An option given twice would silently take its last value: refused, naming the option as typed. */
function refuseRepeatedOptions(tokens: ReadonlyArray<{ kind: string; name?: string; rawName?: string }>): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    check(!seen.has(token.name), `--${token.name} given twice`);
    seen.add(token.name);
  }
}

export function parseCommandLine(argv: string[], options: OptionSpec): Record<string, string | boolean | undefined> {
  try {
    const { values, positionals, tokens } = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true, tokens: true });
    if (positionals.length > 0) throw new UserError(`unexpected argument '${positionals[0]}' (see --help)`);
    refuseRepeatedOptions(tokens);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const message = (e as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UserError(`unknown option ${message.match(/'([^']+)'/)?.[1] ?? ''} (see --help)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UserError(`${message.split('\n')[0]} (see --help)`);
    throw new UserError(message.split('\n')[0] ?? message);
  }
}

export function choice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  check((choices as readonly string[]).includes(value), `${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

/** The options every command accepts: --data, --backend, --adapter, -h. */
export const COMMON_OPTIONS: OptionSpec = {
  data: { type: 'string' },
  backend: { type: 'string' },
  adapter: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** The options the benchmarks share: --data, --adapter, -h (each runs its own backends: no --backend). */
export const BENCH_OPTIONS: OptionSpec = { data: COMMON_OPTIONS.data!, adapter: COMMON_OPTIONS.adapter!, help: COMMON_OPTIONS.help! };

/** The flag of each checked field (src/train/options.ts, src/api/options.ts, src/data/regression-data.ts). */
export const FLAGS: Record<string, string> = {
  batchSize: '--batch-size', epochs: '--epochs', lr: '--lr', seed: '--seed', recordEvery: '--record-every', shuffle: '--shuffle', budgetMs: '--budget-ms',
  'optimizer.kind': '--optimizer', 'optimizer.momentum': '--momentum', 'optimizer.beta1': '--beta1', 'optimizer.beta2': '--beta2', 'optimizer.epsilon': '--epsilon',
  'schedule.kind': '--schedule', 'schedule.every': '--decay-every', 'schedule.factor': '--decay-factor', 'schedule.warmup': '--warmup',
  task: '--task', backend: '--backend', adapter: '--adapter', stepVariant: '--step-variant',
  csv: '--csv', testFraction: '--test-fraction', loss: '--loss', standardize: '--standardize', intercept: '--intercept', noise: '--noise', init: '--init', resume: '--resume',
};

/**
 * The CLI's naming for the shared checks: a field by its flag, a refused value as the text typed
 * after it (`text(name)`: the option's text by its name without the dashes). `flags` names fields
 * another way (a sweep's lists: the batch size is --batch-sizes).
 */
export function cliNaming(text: (name: string) => string | undefined, flags: Record<string, string> = {}): Naming {
  const flag = (field: string) => flags[field] ?? FLAGS[field] ?? field;
  return {
    name: flag,
    shown: (field, value) => {
      const typed = text(flag(field).replace(/^--/, ''));
      return typed === undefined ? shownValue(value) : `'${typed}'`;
    },
    // the CLI's switches (--standardize, --intercept, --shuffle) take on/off
    written: (field, value) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : writtenValue(FIELDS, field, value)),
  };
}

/**
 * A comma-separated option's values: each item parsed by `parse` (its error prefixed with the
 * list's flag unless it names it already), and no value twice (a sweep would train it twice)
 * unless `repeats` allows it (a rate for each batch size).
 */
export function parseList<T>(flag: string, text: string, parse: (item: string) => T, repeats: 'refused' | 'allowed' = 'refused', trainedAs: (value: T) => unknown = (v) => v): T[] {
  const items = text.split(',').map((s) => s.trim());
  check(items.every((s) => s !== ''), `${flag} must be a comma-separated list, got '${text}'`);
  const values = items.map((item) => {
    try {
      return parse(item);
    } catch (e) {
      if (e instanceof UserError && !e.message.startsWith(flag)) throw new UserError(`${flag}: ${e.message}`);
      throw e;
    }
  });
  const keys = values.map(trainedAs);
  const repeated = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (repeats === 'allowed' || repeated < 0) return values;
  const first = keys.indexOf(keys[repeated]);
  throw new UserError(values[first] === values[repeated] ? `${flag} lists ${items[repeated]} twice` : `${flag} lists ${items[first]} and ${items[repeated]}, the same value in float32 (it would be trained twice)`);
}

/** A comma-separated option by parseList, or `fallback` where it was not given. */
export function listOption<T>(flag: string, text: string | undefined, fallback: T[], parse: (item: string) => T, repeats: 'refused' | 'allowed' = 'refused'): T[] {
  return text === undefined ? fallback : parseList(flag, text, parse, repeats);
}

/** A comma-separated list of learning rates (a sweep's --lrs, bench:defaults' --grid): rates that float32 holds as one value are the same rate. */
export function rateList(flag: string, text: string | undefined, fallback: number[]): number[] {
  return text === undefined ? fallback : parseList(flag, text, (s) => parseLearningRate(s, flag), 'refused', Math.fround);
}

/** One option from its text, checked by the shared checks and refused in `flag`'s name (a sweep's lists, the benchmarks). */
export const parseBatchSize = (text: string, flag = '--batch-size'): BatchSizeOption => batchSizeFromText(text, cliNaming(() => text, { batchSize: flag }));
export const parseLearningRate = (text: string, flag = '--lr'): number => lrFromText(text, cliNaming(() => text, { lr: flag }));
export const parseSeed = (text: string): number => seedFromText(text, cliNaming(() => text));

/** A time budget in milliseconds (bench:optimizers, bench:regression), by the shared check of `budgetMs`. */
export function parseBudgetMs(text: string): number {
  const budgetMs = decimal(text);
  checkTrainOptions({ budgetMs }, cliNaming(() => text));
  return budgetMs;
}

/** An optimiser's name, checked by the shared check and refused in `flag`'s name (train --sweep's and bench:sweep's --optimizers). */
export function parseOptimizerKind(text: string, flag = '--optimizer'): OptimizerKind {
  checkTrainOptions({ optimizer: { kind: text as OptimizerKind } }, cliNaming(() => text, { 'optimizer.kind': flag }));
  return text as OptimizerKind;
}

/** A whole-number option (digits only: '1e9' is refused, as train refuses it) from `min` to `max`. */
export function parseWholeNumber(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const x = wholeNumberText(text);
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  check(Number.isSafeInteger(x) && x >= min && x <= max, `${flag} must be a whole number ${range}, got '${text}'`);
  return x;
}

/** A decimal option that `ok` accepts, refused as `<flag> must be <what>, got '<text>'`. */
export function parseNumber(flag: string, text: string, ok: (x: number) => boolean, what: string): number {
  const x = decimal(text);
  check(Number.isFinite(x) && ok(x), `${flag} must be ${what}, got '${text}'`);
  return x;
}

/** The value of an --adapter option (absent: auto), by the library's check of `adapter`. */
export function parseAdapterChoice(value: string | undefined): AdapterChoice {
  if (value === undefined) return 'auto';
  checkEngineOptions({ adapter: value }, cliNaming(() => value));
  return value as AdapterChoice;
}
