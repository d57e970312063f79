/**
 * Runs a command: a ReportedError becomes one line on stderr and its exit code (2 for bad input,
 * see src/errors.ts); anything else is a bug
 * and keeps its stack (exit code 1). A command destroys its device before it settles (dawn-node can
 * abort if the process exits while a device is alive); then the process exits at once with the
 * code once its output is flushed. It does not wait for Node's own teardown, because that closes
 * the signal handlers first: a second Ctrl-C landing in it (about 20 ms after the last line) killed
 * the process by the signal, with no exit code, instead of the 130 that stop.ts promises. Exiting
 * without the flush lost what a pipe had not taken yet: `predict ... | wc -l` counted 624 of 10000
 * lines behind a slow reader.
 */
import { ReportedError, UserError } from '../errors';
import { describeFileError } from '../io/files';
import { standardOutputWasCut } from '../io/outputs';
import { yieldToEventLoop } from '../event-loop';
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';
import { NEVER_STOPPED, type StopRequests, stopOnSignals } from './stop';

/**
 * What a command prints on standard output: its product (predict's predictions, evaluate's report),
 * worthless once its reader went away, or a log of work whose product is its files (train).
 */
export type StandardOutput = 'product' | 'log';

/**
 * `stopsWhere`, for a command that takes stop requests (stop.ts), completes 'SIGTERM: stopping …':
 * where its work stops when asked to. One that finishes its work after a stop request (one with no
 * boundary to stop at, such as predict, or one asked in its last moments) says so and exits 130 or
 * 143. Without it (the bench:* scripts) a signal ends the process by its default action.
 */
export function runCommand(name: string, command: (stop: StopRequests) => Promise<void>, stopsWhere?: string, standardOutput: StandardOutput = 'product'): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => outputFailed(e, standardOutput));
  // first: a signal in any phase is a stop request; the handlers stay to the process's end
  const stop = stopsWhere === undefined ? NEVER_STOPPED : stopOnSignals(stopsWhere);
  command(stop).then(
    () => finish(name, stop),
    (e: unknown) => fail(name, e),
  );
}

/** A ReportedError as one line and its exit code; anything else as a bug, with its stack (exit 1). */
function fail(name: string, e: unknown): void {
  if (e instanceof ReportedError) {
    process.stderr.write(`${name}: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
  exitWhenFlushed(process.exitCode);
}

/**
 * A command that did its work: once its output is flushed (a slow reader can take seconds), a stop
 * request that arrived along the way is reported, with its exit code, after the output it did not
 * cut short.
 */
async function finish(name: string, stop: StopRequests): Promise<void> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  await signalsHandled();
  const late = stop.requested();
  if (readerGone || standardOutputWasCut()) return exitWhenFlushed(SIGPIPE_EXIT);
  if (stdoutFailure) return fail(name, new UserError(`cannot write standard output: ${describeFileError(stdoutFailure)}; what it printed is incomplete`));
  if (late) return fail(name, new TrainingStopped('interrupted', `stopped by ${late} after its work was complete; every output was written`, [], 0, SIGNAL_EXIT[late] ?? 1));
  exitWhenFlushed(process.exitCode ?? 0);
}

/**
 * Lets the event loop poll for signals that arrived while the command's last work kept it busy
 * (a large output written to a slow pipe): two turns, since the first may run before the loop
 * polls again.
 */
async function signalsHandled(): Promise<void> {
  await yieldToEventLoop();
  await yieldToEventLoop();
}

/** The first error writing standard output other than a closed reader's (a full disk), if one came. */
let stdoutFailure: NodeJS.ErrnoException | undefined;

/** The status of a process killed by SIGPIPE (128 + 13), as other command-line tools end when their reader goes away. */
const SIGPIPE_EXIT = 141;

/** The reader of standard output went away (EPIPE): what the command prints from then on is dropped. */
let readerGone = false;

/**
 * The reader of standard output went away (`predict ... | head`): a command whose product is its
 * output ends at once, quietly, with SIGPIPE's status; one that only logs there (`train ... | head -1`)
 * goes on without it, writes its files, and ends quietly with that status. Any other error (a
 * full disk: `> /dev/full`) is kept and reported as one line with exit code 2 once the command
 * settles: the work goes on to write its files, and the device is torn down before the exit.
 */
function outputFailed(e: NodeJS.ErrnoException, standardOutput: StandardOutput): void {
  if (e.code === 'EPIPE' || readerGone) {
    if (standardOutput === 'product') process.exit(SIGPIPE_EXIT);
    readerGone = true;
    return;
  }
  stdoutFailure ??= e;
}

/** Exits with `code` once stdout and stderr have handed everything to the OS (a closed reader, EPIPE, counts as done). */
function exitWhenFlushed(code: number | string): void {
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}
