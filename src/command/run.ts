/**
 * Runs a command: a UserError becomes one line on stderr and its exit code (2 for bad input, see
 * src/errors.ts); anything else is a bug
 * and keeps its stack (exit code 1). The exit code is set, not forced with process.exit(), so the
 * GPU device is torn down and dawn-node's threads end before the process does.
 */
import { UserError } from '../errors';

export function runCommand(name: string, command: () => Promise<void>): void {
  command().then(
    () => {},
    (e: unknown) => {
      if (e instanceof UserError) {
        process.stderr.write(`${name}: ${e.message}\n`);
        process.exitCode = e.exitCode;
      } else {
        process.stderr.write(`${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
