/**
 * npm run bench:report -- RESULTS.json [--compare PREVIOUS.json]: regenerates the markdown report
 * and plots beside it; with --compare, also compares its throughput with a previous run's (exit
 * code 1 when one is slower beyond both runs' spread: bench/compare.ts).
 */
import { runCommand } from '../src/command/run';
import { UserError } from '../src/errors';
import { writeReport } from '../src/report/write';
import { reportComparison } from './compare';
import { readResults, renderedResults } from '../src/report/results-file';

const USAGE = 'usage: npm run bench:report -- bench/results/NAME.json [--compare bench/results/PREVIOUS.json]';
const HELP = `${USAGE}
Regenerates the markdown report and plots beside a benchmark's results file; with --compare, also
compares its throughput with a previous run's (exit 1 when one is slower beyond both runs' spread).`;

runCommand('bench:report', async () => {
  const argv = process.argv.slice(2);
  if (argv.some((a) => a === '--help' || a === '-h')) return void console.log(HELP);
  const [path, flag, previousPath, ...rest] = argv;
  if (!path || (flag !== undefined && (flag !== '--compare' || !previousPath)) || rest.length > 0) throw new UserError(USAGE);
  if (!path.endsWith('.json')) throw new UserError(`${path}: not a results file (NAME.json); ${USAGE}`);
  const results = readResults(path);
  const previous = previousPath === undefined ? null : readResults(previousPath, `--compare ${previousPath}`);
  console.log(`wrote ${renderedResults(path, () => writeReport(results, path.slice(0, -'.json'.length))).join(', ')}`);
  if (previous) renderedResults(previousPath!, () => reportComparison('bench:report', results, previous, previousPath!));
});
