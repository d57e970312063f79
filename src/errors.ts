/**
 * Errors reported as one line and an exit code, without a stack trace, are `ReportedError`s: the
 * user's (`UserError`: bad files, impossible options, no adapter), the GPU's (`GpuFault`), and a
 * run that ended early (`TrainingStopped`, src/train/trainer.ts). The CLI prints their message
 * and exits with their code. Anything else is a bug and keeps its stack.
 *
 * Exit codes: 2 bad input (UserError), 3 training diverged, 4 GPU fault (device lost, out of
 * memory), 128 + signal number when interrupted (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
 */
export abstract class ReportedError extends Error {
  abstract readonly exitCode: number;
}

/** Bad input: a file, an option, the machine (no adapter). Exit code 2. */
export class UserError extends ReportedError {
  override readonly name: string = 'UserError';
  readonly exitCode: number = 2;
}

/**
 * The GPU failed under a run: the device was lost, or memory ran out. Not the user's doing, but
 * reported the same way (one line, the numbers), with its own exit code.
 */
export class GpuFault extends ReportedError {
  override readonly name = 'GpuFault';
  override readonly exitCode = 4;
}

/** Throw a UserError unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new UserError(message);
}
