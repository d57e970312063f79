/**
 * Runs a command: a UserError becomes one line on stderr and its exit code (2 for bad input, see
 * src/errors.ts); anything else is a bug
 * and keeps its stack (exit code 1). A command destroys its device before it settles (dawn-node can
 * abort if the process exits while a device is alive); then the process exits at once with the
 * code. It does not wait for Node's own teardown, because that closes the signal handlers first:
 * a second Ctrl-C landing in it (about 20 ms after the last line) killed the process by the signal,
 * with no exit code, instead of the 130 that stop.ts promises.
 */
import { UserError } from '../errors';

export function runCommand(name: string, command: () => Promise<void>): void {
  command().then(
    () => process.exit(process.exitCode ?? 0),
    (e: unknown) => {
      if (e instanceof UserError) {
        process.stderr.write(`${name}: ${e.message}\n`);
        process.exitCode = e.exitCode;
      } else {
        process.stderr.write(`${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 1;
      }
      process.exit(process.exitCode);
    },
  );
}
