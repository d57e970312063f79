/**
 * The benchmark's regression guard: this run's throughput against a previous results file, per
 * engine and batch size, as the ratio of median samples/s. A change counts only when it is
 * outside both runs' min–max spread (the two ranges do not overlap): on a shared, noisy machine a
 * ratio alone says little.
 */
import { count } from '../format';
import type { BenchResults, EngineName } from '../measure/results';
import type { Summary } from '../measure/stats';

export interface ThroughputChange {
  engine: EngineName;
  batchSize: number;
  /** samples/s, this run and the previous */
  current: Summary;
  previous: Summary;
  /** current / previous median samples/s: below 1 is slower */
  ratio: number;
  /** 'slower' or 'faster' when the two min–max ranges do not overlap, else null (within the noise) */
  flag: 'slower' | 'faster' | null;
}

/** Every engine and batch size measured in both runs. */
export function compareThroughput(current: BenchResults, previous: BenchResults): ThroughputChange[] {
  const changes: ThroughputChange[] = [];
  for (const engine of current.engines) {
    const before = previous.engines.find((e) => e.engine === engine.engine);
    for (const run of engine.runs) {
      const now = run.throughput?.samplesPerSecond;
      const then = before?.runs.find((r) => r.batchSize === run.batchSize)?.throughput?.samplesPerSecond;
      if (!now || !then) continue;
      const flag = now.max < then.min ? 'slower' : now.min > then.max ? 'faster' : null;
      changes.push({ engine: engine.engine, batchSize: run.batchSize, current: now, previous: then, ratio: now.median / then.median, flag });
    }
  }
  return changes;
}

/** One line per change, e.g. 'downhill-webgpu batch 10: 0.55x (13,400 [12,900-13,800] against 24,100 [23,800-24,300] samples/s), slower beyond both runs' spread'. */
export function describeChanges(changes: readonly ThroughputChange[]): string[] {
  const range = (s: Summary) => `${count(Math.round(s.median))} [${count(Math.round(s.min))}-${count(Math.round(s.max))}]`;
  return changes.map((c) => {
    const verdict = c.flag ? `${c.flag} beyond both runs' spread` : 'within the spread';
    return `${c.engine} batch ${c.batchSize}: ${c.ratio.toFixed(2)}x (${range(c.current)} against ${range(c.previous)} samples/s), ${verdict}`;
  });
}
