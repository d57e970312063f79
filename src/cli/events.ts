/**
 * --events PATH: one JSON line per recording, written when it is made, so that a run can be
 * followed with `tail -f` and loaded with pandas.read_json(PATH, lines=True). Every line has the
 * same fields (batchLoss is null where there is none: step 0, the CPU backend's first recording):
 *   {"step":400,"epoch":0.667,"examples":40000,"trainSeconds":1.92,"loss":0.41,"batchLoss":0.45,"accuracy":0.88}
 * with "r2" in place of "accuracy" for regression. The file is rewritten when the run starts
 * (after every output was checked and locked) and holds the recordings so far if it stops. A
 * resumed run writes its checkpoint's recordings first, so that continuing a stopped run as it
 * says gives one log from step 0 (not the resumed part alone, and not recordings made after the
 * checkpoint twice).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { describeFileError } from '../io/files';
import type { Output } from '../io/outputs';
import { reportJson } from '../io/run-report';
import type { HistoryPoint } from '../train/trainer';
import { UserError } from '../errors';

export interface EventLog {
  record(point: HistoryPoint): void;
  /** lines written so far */
  lines(): number;
  close(): void;
}

/** `before`: the recordings of the run this one continues (a checkpoint's history), written first. */
export function openEventLog(output: Output, metric: 'accuracy' | 'r2', before: readonly HistoryPoint[]): EventLog {
  const fail = (e: unknown): never => {
    throw new UserError(`cannot write ${output.flag} ${output.path}: ${describeFileError(e)}`);
  };
  let fd = -1;
  let lines = 0;
  try {
    // a stream (--events /dev/stderr) is written through its descriptor, as it stands
    fd = output.kind === 'stream' ? output.fd! : openSync(output.target, 'w');
  } catch (e) {
    fail(e);
  }
  const log: EventLog = {
    record(p) {
      const line = { step: p.step, epoch: p.epoch, examples: p.samples, trainSeconds: p.trainMs / 1000, loss: p.loss, batchLoss: p.batchLoss ?? null, [metric]: p.accuracy };
      try {
        writeSync(fd, `${reportJson(line)}\n`);
        lines++;
      } catch (e) {
        fail(e);
      }
    },
    lines: () => lines,
    close() {
      if (fd >= 0 && output.kind !== 'stream') closeSync(fd);
      fd = -1;
    },
  };
  for (const p of before) log.record(p);
  return log;
}
