/**
 * The train command's no-lost-work pieces: --checkpoint-every parsing, reading a --resume file,
 * the checkpoint writer handed to the trainer, and SIGINT/SIGTERM turned into a stop request
 * at the next step boundary.
 */
import type { Dataset } from '../data/dataset';
import { check } from '../errors';
import { type Checkpoint, type RunIdentity, decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint';
import { crc32 } from '../io/crc32';
import { readInput, writeFileAtomic } from '../io/files';
import type { TrainControl } from '../train/trainer';

/** Default interval between checkpoints, besides each epoch's end. */
export const DEFAULT_CHECKPOINT_MS = 60_000;

/** '500' (updates) or '30s' (seconds of wall time). */
export function parseCheckpointEvery(text: string): { everySteps?: number; everyMs?: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s?)\s*$/.exec(text);
  const value = m ? Number(m[1]) : NaN;
  check(m !== null && value > 0 && (m[2] === 's' || Number.isSafeInteger(value)), `--checkpoint-every must be a whole number of updates (500) or of seconds (30s), greater than 0, got '${text}'`);
  return m![2] === 's' ? { everyMs: value * 1000 } : { everySteps: value };
}

export function readCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(readInput(path, `--resume ${path}`), `--resume ${path}`);
}

/** crc32 of a training set's images then labels: a checkpoint resumes on the same data only. */
export function dataChecksum(set: Dataset): number {
  return crc32(set.images, set.labels);
}

export function checkpointWriter(path: string, run: () => RunIdentity, interval: { everySteps?: number; everyMs?: number }): NonNullable<TrainControl['checkpoint']> {
  return {
    ...interval,
    // encoded in full before the atomic write: a failure leaves the previous checkpoint as it was
    write: (state, params, optimizerState) => writeFileAtomic(path, encodeCheckpoint({ run: run(), state, params, optimizerState }), '--checkpoint'),
  };
}

/**
 * While installed, SIGINT and SIGTERM ask the trainer to stop at the next step boundary; a
 * second signal ends the process at once (exit 130 or 143), as users expect of a second Ctrl-C.
 * Copies of the first that arrive within DUPLICATE_MS are not a second signal: under `npm run`,
 * one Ctrl-C reaches this process from the terminal and again relayed by npm and tsx.
 */
const DUPLICATE_MS = 1000;

export function stopOnSignals(): { requested: () => string | undefined; dispose: () => void } {
  let requested: string | undefined;
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      if (performance.now() - firstAt > DUPLICATE_MS) process.exit(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    requested = signal;
    firstAt = performance.now();
    process.stderr.write(`\n${signal}: stopping at the next step boundary (again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => requested,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
