/** A batch-size comparison's results file, read (Node), and its markdown report as written beside it. */
import { basename } from 'node:path';
import { UserError } from '../errors';
import { readInput } from '../io/files';
import type { BenchResults } from '../measure/results';
import { markdownReport, plots } from './bench-report';
import { plotNames } from './write';

/**
 * A downhill-bench/1 results file; a missing, unreadable, non-JSON or foreign file is the user's
 * error, in one line naming `label` (the path, or the option and the path: '--compare old.json').
 */
export function readResults(path: string, label = path): BenchResults {
  const text = readInput(path, label).toString('utf8');
  let results: BenchResults;
  try {
    results = JSON.parse(text) as BenchResults;
  } catch (e) {
    // JSON.parse quotes the text after its reason ('Unexpected token 'a', "a,b,y\n…" is not valid JSON'): the reason alone
    throw new UserError(`${label}: not a JSON file (${(e as Error).message.split('\n')[0]!.replace(/, ".*$/, '')})`);
  }
  if (results?.schema !== 'downhill-bench/1' || !Array.isArray(results.engines)) throw new UserError(`${label}: not a downhill-bench/1 results file`);
  return results;
}

/**
 * What `render` makes of the results file at `path`: a file with the right schema but fields of
 * the wrong shape (hand-edited, or cut short) fails inside the renderer with a TypeError, which is
 * the file's fault, so it is reported as such in one line.
 */
export function renderedResults<T>(path: string, render: () => T): T {
  try {
    return render();
  } catch (e) {
    if (e instanceof TypeError) throw new UserError(`${path} is not a well-formed downhill-bench/1 results file: ${e.message}`);
    throw e;
  }
}

/** The markdown report of the results file at `path`, as `writeReport` writes it beside it. */
export function reportOf(path: string): string {
  const results = readResults(path);
  return renderedResults(path, () => markdownReport(results, plotNames(plots(results), basename(path, '.json'))));
}
