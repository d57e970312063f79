/** npm run bench:report -- RESULTS.json: regenerates the markdown report and plots beside it. */
import { readFileSync } from 'node:fs';
import { runCommand } from '../src/command/run';
import { UserError } from '../src/errors';
import type { BenchResults } from '../src/measure/results';
import { writeReport } from '../src/report/write';

runCommand('bench:report', async () => {
  const path = process.argv[2];
  if (!path || !path.endsWith('.json')) throw new UserError('usage: npm run bench:report -- bench/results/NAME.json');
  let results: BenchResults;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (results.schema !== 'downhill-bench/1') throw new UserError(`${path}: not a downhill-bench/1 results file`);
  console.log(`wrote ${writeReport(results, path.slice(0, -'.json'.length)).join(', ')}`);
});
