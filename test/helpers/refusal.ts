/** How the library's refusals are checked: what a call threw or rejected with, and its shape. */
import { expect } from 'vitest';
import { UserError } from '../../src/errors';

/** A UserError of one line whose message matches `message` and names no --flag (the library names fields). */
export function expectFieldError(e: unknown, message: RegExp): void {
  expect(e).toBeInstanceOf(UserError);
  const text = (e as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toMatch(/--[a-z]/);
  expect(text.split('\n')).toHaveLength(1);
}

/** What `body` threw or rejected with; it fails the test when `body` did neither. */
export async function refusal(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}
