/**
 * The environment variables downhill reads, read through one place: a value that is set is checked,
 * and a bad one refused with one line naming the variable and what it may be (DOWNHILL_WAIT_PACER=bogus
 * was taken silently for the default). Browser-safe: without a process every variable is unset.
 */
import { UserError } from './errors';

/** The variable's value; undefined where it is unset or empty, or where there is no process (the browser). */
export function environmentValue(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

function refuse(name: string, value: string, expected: string): never {
  throw new UserError(`${name}=${value}: ${expected} (or leave it unset)`);
}

/** One of `values`, or undefined where unset. */
export function environmentChoice<T extends string>(name: string, values: readonly T[]): T | undefined {
  const value = environmentValue(name);
  if (value === undefined || (values as readonly string[]).includes(value)) return value as T | undefined;
  return refuse(name, value, `expected ${values.join(' or ')}`);
}

/** A number of at least `min`, or undefined where unset. */
export function environmentNumber(name: string, min: number): number | undefined {
  const value = environmentValue(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*[-+0-9.eE]+\s*$/.test(value) || !Number.isFinite(n) || n < min) refuse(name, value, `expected a number of at least ${min}`);
  return n;
}
