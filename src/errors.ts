/**
 * Errors a user can cause (bad files, impossible options, no adapter) are `UserError`s: the CLI
 * prints their one-line message and exits non-zero without a stack trace. Anything else is a bug
 * and keeps its stack.
 *
 * Exit codes: 2 bad input (UserError), 3 training diverged, 4 GPU fault (device lost, out of
 * memory), 128 + signal number when interrupted (130 for SIGINT, 143 for SIGTERM).
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly exitCode: number = 2;
}

/**
 * The GPU failed under a run: the device was lost, or memory ran out. Not the user's doing, but
 * reported the same way (one line, the numbers), with its own exit code.
 */
export class GpuFault extends UserError {
  override readonly name = 'GpuFault';
  override readonly exitCode = 4;
}

/** Throw a UserError unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new UserError(message);
}
