/** A batch-size comparison's results file, read (Node), and its markdown report as written beside it. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../errors';
import type { BenchResults } from '../measure/results';
import { markdownReport, plots } from './bench-report';
import { plotNames } from './write';

/** A downhill-bench/1 results file; a missing, unreadable or foreign file is the user's error, named by `flag`. */
export function readResults(path: string, flag: string): BenchResults {
  let results: BenchResults;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  } catch (e) {
    throw new UserError(`${flag}: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (results?.schema !== 'downhill-bench/1' || !Array.isArray(results.engines)) throw new UserError(`${flag}: ${path} is not a downhill-bench/1 results file`);
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
  const results = readResults(path, 'README');
  return renderedResults(path, () => markdownReport(results, plotNames(plots(results), basename(path, '.json'))));
}
