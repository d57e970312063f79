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

/** The markdown report of the results file at `path`, as `writeReport` writes it beside it. */
export function reportOf(path: string): string {
  const results = readResults(path, 'README');
  return markdownReport(results, plotNames(plots(results), basename(path, '.json')));
}
