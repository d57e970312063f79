/**
 * Errors a user can cause (bad files, impossible options, no adapter) are `UserError`s: the CLI
 * prints their one-line message and exits non-zero without a stack trace. Anything else is a bug
 * and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Throw a UserError unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new UserError(message);
}
