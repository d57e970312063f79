/**
 * The train command's checkpoint pieces: --checkpoint-every parsing, reading a --resume file, and
 * the checkpoint writer handed to the trainer (stop requests are in stop.ts).
 */
import type { Dataset } from '../data/dataset';
import { check } from '../errors';
import { type Checkpoint, type RunIdentity, decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint';
import { crc32 } from '../io/crc32';
import { readInput } from '../io/files';
import { type Output, writeOutput } from '../io/outputs';
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

export interface CheckpointWriter {
  control: NonNullable<TrainControl['checkpoint']>;
  /** the update count the checkpoint file holds now (undefined: none yet), so a message never points at a stale one */
  holds(): number | undefined;
}

/**
 * Writes the checkpoint through its output (atomically). `holds` starts at the update count of the
 * checkpoint resumed from, when the output is that same file.
 */
export function checkpointWriter(output: Output, run: () => RunIdentity, interval: { everySteps?: number; everyMs?: number }, resumedAt?: number): CheckpointWriter {
  let holds = resumedAt;
  return {
    control: {
      ...interval,
      // encoded in full before the atomic write: a failure leaves the previous checkpoint as it was
      write: (state, params, optimizerState) => {
        writeOutput(output, encodeCheckpoint({ run: run(), state, params, optimizerState }));
        holds = state.steps;
      },
    },
    holds: () => holds,
  };
}
