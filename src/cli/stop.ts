/**
 * Stop requests for a command: from its first line to its last, SIGINT and SIGTERM ask the work
 * to stop at the next boundary (a training step, the end of a phase); a second signal ends the
 * process at once (exit 130 or 143), as users expect of a second Ctrl-C. Copies of the first that
 * arrive within DUPLICATE_MS are not a second signal: under `npm run`, one Ctrl-C reaches this
 * process from the terminal and again relayed by npm and tsx. The handlers are never removed: a
 * second signal after the work stopped, while the command writes its outputs or the device is torn
 * down (seconds with Dawn), must still quit at once with 130 or 143, not kill the process by the
 * signal's default action (no exit code at all). Node itself closes them in its natural-exit
 * teardown, which is why runCommand (src/command/run.ts) exits explicitly once a command settles.
 */
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';

const DUPLICATE_MS = 1000;

export interface StopRequests {
  /** aborted, with the signal's name as its reason, when the first signal arrives */
  signal: AbortSignal;
  /** the signal that asked to stop, if one did */
  requested(): string | undefined;
  /** throws TrainingStopped ('interrupted', exit 130/143) if a stop was asked for; `when` ends its message */
  throwIfRequested(when: string): void;
}

export function stopOnSignals(): StopRequests {
  let requested: string | undefined;
  let firstAt = 0;
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      if (performance.now() - firstAt > DUPLICATE_MS) process.exit(SIGNAL_EXIT[signal] ?? 1);
      return;
    }
    requested = signal;
    firstAt = performance.now();
    controller.abort(signal);
    process.stderr.write(`\n${signal}: stopping at the next step boundary (again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    requested: () => requested,
    throwIfRequested(when) {
      if (requested) throw new TrainingStopped('interrupted', `stopped by ${requested} ${when}`, [], 0, SIGNAL_EXIT[requested] ?? 1);
    },
  };
}
