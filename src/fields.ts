/**
 * How an option check names what it refuses. The library's checks are written once, in terms of
 * fields (`batchSize`, `optimizer.momentum`, `testFraction`); a shell that takes the values as
 * text (the CLI) hands the same checks its own Naming, so that its messages name its flags and
 * quote the text that was typed, while the library's and the page's never name a flag.
 */
import { UserError } from './errors';

export interface Naming {
  /** how the caller calls a field: the field itself, or the CLI's flag */
  name(field: string): string;
  /** a refused value as the caller gave it */
  shown(field: string, value: unknown): string;
  /** a value the caller did not type (a checkpoint's) as the caller writes it (the CLI: on/off); absent: writtenValue's default */
  written?(field: string, value: unknown): string;
}

/** `value` of `field` as `naming`'s caller writes it: a string bare, a list or object as JSON. */
export function writtenValue(naming: Naming, field: string, value: unknown): string {
  if (naming.written) return naming.written(field, value);
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A value as a message shows it: strings quoted, lists as JSON, anything else as String() does. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return JSON.stringify(value);
  if (value !== null && typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return String(value);
}

/** The library's naming: fields by their names, values as given. */
export const FIELDS: Naming = { name: (field) => field, shown: (_field, value) => shownValue(value) };

/** Throws a UserError `<field> must be <what>, got <value>` unless `ok`. */
export function demand(ok: boolean, field: string, value: unknown, what: string, naming: Naming = FIELDS): asserts ok {
  if (!ok) throw new UserError(`${naming.name(field)} must be ${what}, got ${naming.shown(field, value)}`);
}

/** A value of `choices`, refused otherwise with the list. */
export function demandChoice(field: string, value: unknown, choices: readonly string[], naming: Naming = FIELDS): void {
  demand(choices.includes(value as string), field, value, `one of ${choices.join(', ')}`, naming);
}

/** Refuses anything but a Uint8Array (a file's bytes), naming `field`. */
export function demandBytes(field: string, value: unknown, what = "a file's bytes"): asserts value is Uint8Array {
  demand(value instanceof Uint8Array, field, value, `${what} as a Uint8Array (e.g. readFileSync(path))`);
}

/** Refuses anything but a non-empty string, naming `field`. */
export function demandText(field: string, value: unknown, what = 'a non-empty string'): asserts value is string {
  demand(typeof value === 'string' && value !== '', field, value, what);
}

/** Refuses a name for messages (a file's name or path) that is not a non-empty string. */
export function demandName(field: string, value: unknown): asserts value is string {
  demandText(field, value, 'a non-empty string naming the input in messages (e.g. its path)');
}

/** Refuses anything but an object (not null, not an array), naming `field`. */
export function demandObject(field: string, value: unknown, what: string, naming: Naming = FIELDS): asserts value is Record<string, unknown> {
  demand(isObject(value), field, value, what, naming);
}

/** An object that is not null and not an array (an options bag, a record). */
export function isObject<T>(v: T): v is T & Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isWhole = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;

/**
 * Refuses a key of `o` that is not one of `known` (a typo would otherwise be ignored), naming it
 * as `<where>.<key>` (or the key alone where `where` is empty) and the known key it nearly spells.
 */
export function demandKnownKeys(where: string, o: object, known: readonly string[], naming: Naming = FIELDS): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const nearest = nearestKey(key, known);
    const field = where === '' ? key : `${where}.${key}`;
    throw new UserError(`${naming.name(field)} is not an option${where === '' ? '' : ` of ${naming.name(where)}`}${nearest === undefined ? '' : ` (did you mean ${nearest}?)`}; known: ${known.join(', ')}`);
  }
}

/** The known key within two edits of `key` (letter case aside), the closest; undefined if none is. */
function nearestKey(key: string, known: readonly string[]): string | undefined {
  const scored = known.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).filter((s) => s.d <= 2);
  return scored.sort((a, b) => a.d - b.d)[0]?.k;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
