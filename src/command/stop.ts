/**
 * Stop requests for a command: from its first line to its last, SIGINT and SIGTERM ask the work
 * to stop at the next boundary (a training step, the end of a phase); a second request ends the
 * process at once (exit 130 or 143), as users expect of a second Ctrl-C.
 *
 * One request can arrive as several copies, and a copy is no second request. A terminal's Ctrl-C,
 * `timeout` and a service manager signal the whole process group; `npm run` also forwards SIGINT
 * and SIGTERM to its script's process, which is this one when the script `exec`s node, as
 * package.json's do: two copies per request there, one for the packaged `downhill` command or
 * `node --import tsx`. Copies are counted, never timed: a busy event loop handles a copy that
 * arrived with the first seconds later (the old rule, copies within a second, took it for a second
 * Ctrl-C and quit without the outputs). A signal other than the first one's is always a new request.
 * (The `tsx` command, which package.json no longer runs, relayed a copy only when the first had not
 * been handled within 30 ms, and killed this process with SIGKILL 30 ms later: a busy loop lost the
 * run's outputs.) Where one request gives two copies and only this process is signalled, the third
 * signal quits at once.
 *
 * The handlers are never removed: a second request after the work stopped, while the command
 * writes its outputs or the device is torn down (seconds with Dawn), must still quit at once with
 * 130 or 143, not kill the process by the signal's default action (no exit code at all). Node
 * itself closes them in its natural-exit teardown, which is why runCommand (run.ts) exits
 * explicitly once a command settles.
 */
import { resolve } from 'node:path';
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
 * Installs the handlers. `stopsWhere` says where the work stops (`at the next step boundary`);
 * `copies` is how many copies of one request reach this process (copiesPerRequest).
 */
export function stopOnSignals(stopsWhere: string, copies = copiesPerRequest()): StopRequests {
  let requested: string | undefined;
  let received = 0;
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (requested === undefined) {
      requested = signal;
      controller.abort(signal);
      process.stderr.write(`\n${signal}: stopping ${stopsWhere} (again to quit at once)\n`);
    } else if (signal !== requested || received > copies) {
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
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

/** The stop requests of a command that takes none (a signal ends it by its default action). */
export const NEVER_STOPPED: StopRequests = {
  signal: new AbortController().signal,
  requested: () => undefined,
  throwIfRequested: () => {},
};

/**
 * Copies of one signal to the process group that reach this process: 2 when `npm run` started it
 * with `exec` (the group's copy and npm's), else 1. npm names the script it runs in the
 * environment, which children inherit: the script must be this very command, not, say, a test
 * runner that spawned it.
 */
export function copiesPerRequest(env: NodeJS.ProcessEnv = process.env, main: string | undefined = process.argv[1]): number {
  const script = env.npm_lifecycle_script?.trim().split(/\s+/) ?? [];
  const execsThisCommand = script[0] === 'exec' && main !== undefined && resolve(script.at(-1)!) === resolve(main);
  return execsThisCommand ? 2 : 1;
}
