/**
 * The train command's checkpoint pieces: --checkpoint-every parsing, reading a --resume file, and
 * the checkpoint writer handed to the trainer (stop requests are in src/command/stop.ts).
 */
import type { FitOptions } from '../api/fit';
import { check } from '../errors';
import { commandLine } from '../command/invocation';
import { type Checkpoint, type SweepCheckpoint, decodeCheckpoint, decodeSweepCheckpoint, encodeCheckpoint, isCheckpointFile, isSweepCheckpointFile } from '../io/checkpoint';
import { readInput } from '../io/files';
import { isWeightsFile } from '../io/weights';
import { type Output, writeOutput } from '../io/outputs';

/** Default interval between checkpoints, besides each epoch's end. */
export const DEFAULT_CHECKPOINT_MS = 60_000;

/** '500' (updates) or '30s' (seconds of wall time). */
export function parseCheckpointEvery(text: string): { everySteps?: number; everyMs?: number } {
  const m = /^\s*(\d+)\s*(s?)\s*$/.exec(text);
  const value = m ? Number(m[1]) : NaN;
  check(m !== null && value > 0 && Number.isSafeInteger(value), `--checkpoint-every must be a whole number of updates (500) or of seconds (30s), greater than 0, got '${text}'`);
  return m![2] === 's' ? { everyMs: value * 1000 } : { everySteps: value };
}

export function readCheckpoint(path: string): Checkpoint {
  const bytes = readInput(path, `--resume ${path}`);
  check(isCheckpointFile(bytes) || !isWeightsFile(bytes), `--resume ${path} is a weights file, not a training checkpoint: --init ${path} starts a new run from its weights`);
  check(!isSweepCheckpointFile(bytes), `--resume ${path} is a sweep's checkpoint: ${commandLine('train')} --sweep --resume ${path} continues it`);
  return decodeCheckpoint(bytes, `--resume ${path}`);
}

/** train --sweep --resume PATH: a sweep's checkpoint (a run's is refused with the way to continue it). */
export function readSweepCheckpoint(path: string): SweepCheckpoint {
  const bytes = readInput(path, `--resume ${path}`);
  check(!isCheckpointFile(bytes) || isSweepCheckpointFile(bytes), `--resume ${path} is a single run's checkpoint, not a sweep's: ${commandLine('train')} --resume ${path} (without --sweep) continues it`);
  return decodeSweepCheckpoint(bytes, `--resume ${path}`);
}

/** Where a command takes weights (`flag` is --load or --init), a checkpoint is refused with the way to its weights. */
export function refuseCheckpointAsWeights(bytes: Uint8Array, path: string, flag: string): void {
  check(!isCheckpointFile(bytes), `${flag} ${path} is a training checkpoint, not weights: ${commandLine('train')} --resume ${path} --save WEIGHTS continues it (or, finished, just writes its weights), then give ${flag} WEIGHTS`);
}

export interface CheckpointWriter {
  sink: NonNullable<FitOptions['checkpoint']>;
  /** the update count the checkpoint file holds now (undefined: none yet), so a message never points at a stale one */
  holds(): number | undefined;
}

/**
 * Writes the checkpoint through its output (atomically). `holds` starts at the update count of the
 * checkpoint resumed from, when the output is that same file.
 */
export function checkpointWriter(output: Output, interval: { everySteps?: number; everyMs?: number }, resumedAt?: number): CheckpointWriter {
  let holds = resumedAt;
  return {
    sink: {
      ...interval,
      // encoded in full before the atomic write: a failure leaves the previous checkpoint as it was
      write: (checkpoint: Checkpoint) => {
        writeOutput(output, encodeCheckpoint(checkpoint));
        holds = checkpoint.state.steps;
      },
    },
    holds: () => holds,
  };
}
