/**
 * `--compare PREVIOUS.json` (npm run bench, npm run bench:report):
 * prints this run's throughput against the previous run's per engine and batch size
 * (src/report/compare.ts) and sets exit code 1 when one is slower beyond both runs' spread.
 */
import { UserError } from '../src/errors';
import type { BenchResults } from '../src/measure/results';
import { compareThroughput, describeChanges } from '../src/report/compare';

/** Prints the comparison with `previous` (read from `previousPath`); exit code 1 when something is slower beyond the spread. */
export function reportComparison(name: string, current: BenchResults, previous: BenchResults, previousPath: string): void {
  const changes = compareThroughput(current, previous);
  if (changes.length === 0) throw new UserError(`--compare: ${previousPath} measured no engine at a batch size this run measured`);
  console.log(`${name}: against ${previousPath} (this run's median samples/s / the previous run's):`);
  for (const line of describeChanges(changes)) console.log(`  ${line}`);
  const slower = changes.filter((c) => c.flag === 'slower');
  if (slower.length > 0) {
    console.log(`${name}: slower than ${previousPath} beyond both runs' spread: ${slower.map((c) => `${c.engine} batch ${c.batchSize} (${c.ratio.toFixed(2)}x)`).join(', ')}`);
    process.exitCode = 1;
  }
}
