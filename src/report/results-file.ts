/** A benchmark's results file, read (Node), and its markdown report as the benchmark writes it beside it. */
import { basename } from 'node:path';
import { UserError } from '../errors';
import { readInput } from '../io/files';
import type { MethodsBench } from '../measure/methods';
import type { BenchResults } from '../measure/results';
import { markdownReport, plots } from './bench-report';
import { type DefaultRatesBench, defaultRatesReport } from './default-rates-report';
import { type OptimizersBench, methodsOfOptimizers, methodsReport } from './methods-report';
import { type SweepBench, sweepReport } from './sweep-report';
import { plotNames } from './write';

/** The JSON in the file at `path`; a missing, unreadable or non-JSON file is the user's error, in one line naming `label`. */
function readJson(path: string, label: string): unknown {
  const text = readInput(path, label).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text after its reason ('Unexpected token 'a', "a,b,y\n…" is not valid JSON'): the reason alone
    throw new UserError(`${label}: not a JSON file (${(e as Error).message.split('\n')[0]!.replace(/, ".*$/, '')})`);
  }
}

/** The `schema` field of parsed results, or undefined. */
function schemaOf(json: unknown): unknown {
  return (json as { schema?: unknown } | null)?.schema;
}

/**
 * A downhill-bench/1 results file; a missing, unreadable, non-JSON or foreign file is the user's
 * error, in one line naming `label` (the path, or the option and the path: '--compare old.json').
 */
export function readResults(path: string, label = path): BenchResults {
  const results = readJson(path, label) as BenchResults;
  if (schemaOf(results) !== 'downhill-bench/1' || !Array.isArray(results.engines)) throw new UserError(`${label}: not a downhill-bench/1 results file`);
  return results;
}

/**
 * What `render` makes of the results file at `path`: a file with the right schema but fields of
 * the wrong shape (hand-edited, or cut short) fails inside the renderer with a TypeError, which is
 * the file's fault, so it is reported as such in one line.
 */
export function renderedResults<T>(path: string, render: () => T, schema = 'downhill-bench/1'): T {
  try {
    return render();
  } catch (e) {
    if (e instanceof TypeError) throw new UserError(`${path} is not a well-formed ${schema} results file: ${e.message}`);
    throw e;
  }
}

/**
 * Each schema's markdown report, as its benchmark writes it beside the results: given the
 * results and the file's name without .json (the report's plots are named after it).
 */
const REPORTS: Record<string, (results: never, name: string) => string> = {
  'downhill-bench/1': (r: BenchResults, name) => markdownReport(r, plotNames(plots(r), name)),
  'downhill-methods/1': (b: MethodsBench, name) => methodsReport(b, name),
  'downhill-optimizers/1': (b: OptimizersBench, name) => methodsReport(methodsOfOptimizers(b), name),
  'downhill-sweep-bench/1': (b: SweepBench) => sweepReport(b),
  'downhill-default-rates/1': (b: DefaultRatesBench) => defaultRatesReport(b),
};

/** The markdown report of the results file at `path`, whichever benchmark wrote it (its `schema`). */
export function reportOf(path: string): string {
  const json = readJson(path, path);
  const schema = schemaOf(json);
  const render = typeof schema === 'string' && Object.hasOwn(REPORTS, schema) ? REPORTS[schema]! : undefined;
  if (!render) throw new UserError(`${path}: unknown results schema ${JSON.stringify(schema) ?? '(none)'} (one of ${Object.keys(REPORTS).join(', ')})`);
  return renderedResults(path, () => render(json as never, basename(path, '.json')), schema as string);
}
