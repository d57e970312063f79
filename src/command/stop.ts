/**
 * Stop requests for a command: from its first line to its last, SIGINT, SIGTERM and SIGHUP ask the work
 * to stop at the next boundary (a training step, the end of a phase); a second request ends the
 * process at once (exit 130, 143 or 129), as users expect of a second Ctrl-C.
 *
 * One request can arrive as several copies, and a copy is no second request. A terminal's Ctrl-C,
 * a service manager and `kill -- -PGID` signal the whole process group; GNU `timeout` signals its
 * command and then its process group (two copies); `npm run` forwards its own copy to the script's
 * process, which is this one where the script `exec`s node. How many copies arrive depends on the
 * launcher, so they are not counted: copies of one request are the signals of the same kind that
 * arrive within COPY_WINDOW_MS of the first being handled; a signal after that is a second request.
 *
 * The window is judged so that a busy event loop cannot stretch it: a copy that arrived in time is
 * handled late when the loop was busy (or the process stopped), and must still count as a copy.
 * The first signal starts a timer whose callback closes the window from setImmediate. libuv reads
 * the signal pipe in its poll phase, and a poll phase always lies between a timer's callback and
 * the next check phase, where immediates run (timers, poll, check in older libuv; poll, check,
 * timers in newer): a signal that arrived before the timer fired is handled before the window
 * closes, however long the loop was held. A signal other than the first one's is always a new
 * request (Ctrl-C and a manager's SIGTERM are different actions). (The `tsx` command, which
 * package.json no longer runs, relayed a copy only when the first had not been handled within
 * 30 ms, and killed this process with SIGKILL 30 ms later: a busy loop lost the run's outputs.)
 *
 * The handlers are never removed: a second request after the work stopped, while the command
 * writes its outputs or the device is torn down (seconds with Dawn), must still quit at once with
 * 130 or 143, not kill the process by the signal's default action (no exit code at all). Node
 * itself closes them in its natural-exit teardown, which is why runCommand (run.ts) exits
 * explicitly once a command settles.
 */
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';

export interface StopRequests {
  /** aborted, with the signal's name as its reason, when the first signal arrives */
  signal: AbortSignal;
  /** the signal that asked to stop, if one did */
  requested(): string | undefined;
  /** throws TrainingStopped ('interrupted', exit 130/143) if a stop was asked for; `when` ends its message */
  throwIfRequested(when: string): void;
}

/**
 * The signals that ask to stop: Ctrl-C, a manager's SIGTERM, and SIGHUP (the terminal closed, an
 * ssh session dropped), whose default action would kill the run with its locks left behind.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long after the first signal is handled the same signal counts as a copy of it (real time). */
export const COPY_WINDOW_MS = 1000;

/** Installs the handlers. `stopsWhere` says where the work stops (`at the next step boundary`). */
export function stopOnSignals(stopsWhere: string): StopRequests {
  let requested: string | undefined;
  let copiesEnded = false;
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (requested === undefined) {
      requested = signal;
      controller.abort(signal);
      process.stderr.write(`\n${signal}: stopping ${stopsWhere} (again to quit at once)\n`);
      closeAfterPolling(COPY_WINDOW_MS, () => (copiesEnded = true));
    } else if (signal !== requested || copiesEnded) {
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return {
    signal: controller.signal,
    requested: () => requested,
    throwIfRequested(when) {
      if (requested) throw new TrainingStopped('interrupted', `stopped by ${requested} ${when}`, [], 0, SIGNAL_EXIT[requested] ?? 1);
    },
  };
}

/**
 * Calls `close` after `ms`, but only once the event loop has polled for I/O (and signals) after the
 * timer fired: from an immediate scheduled by the timer (see the header). Neither keeps the process alive.
 */
function closeAfterPolling(ms: number, close: () => void): void {
  setTimeout(() => setImmediate(close).unref(), ms).unref();
}

/** The stop requests of a command that takes none (a signal ends it by its default action). */
export const NEVER_STOPPED: StopRequests = {
  signal: new AbortController().signal,
  requested: () => undefined,
  throwIfRequested: () => {},
};
