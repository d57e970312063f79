/** Writes reports and their SVG plots beside their results (Node): the batch-size comparison's and a methods comparison's. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../io/files';
import { createFolders } from '../io/outputs';
import type { MethodsBench } from '../measure/methods';
import type { BenchResults } from '../measure/results';
import { type PlotFiles, markdownReport, plots } from './bench-report';
import { methodCharts, methodsReport } from './methods-report';
import { lineChart } from './svg';

const SUFFIX: PlotFiles = { lossVsTime: '-loss-vs-time.svg', lossVsSamples: '-loss-vs-samples.svg', throughput: '-throughput.svg' };
/** the files a batch-size comparison writes: <base>.json beside writeReport's */
export const BENCH_FILES = ['.json', '.md', ...Object.values(SUFFIX)];
const METHODS_FILES = ['.json', '.md', '-loss-vs-time.svg', '-loss-vs-samples.svg'];

/**
 * `<dir>/<name>`, or `<dir>/<name>-2`, `-3`, ... : the first base none of whose files (base +
 * each suffix) exists, so that a second run on the same day never overwrites the first's results.
 */
export function unusedBase(dir: string, name: string, suffixes: readonly string[]): string {
  // made only now that something is written (checkOutputFolder checked it and left it uncreated),
  // a level at a time (createFolders: not mkdirSync's recursive mode, which loops under /proc)
  createFolders('--out', dir);
  for (let n = 1; ; n++) {
    const base = join(dir, n === 1 ? name : `${name}-${n}`);
    if (!suffixes.some((s) => existsSync(`${base}${s}`))) return base;
  }
}

/** The markdown report and the three SVG plots beside a downhill-bench/1 results file; returns the paths written. */
export function writeReport(r: BenchResults, base: string): string[] {
  const svg = plots(r);
  const written: string[] = [];
  for (const key of Object.keys(svg) as Array<keyof PlotFiles>) {
    const path = `${base}${SUFFIX[key]}`;
    writeFileAtomic(path, svg[key]!, 'report');
    written.push(path);
  }
  writeFileAtomic(`${base}.md`, markdownReport(r, plotNames(svg, basename(base))), 'report');
  return [`${base}.md`, ...written];
}

/** The file names, beside a report named `name` (its results file's name without .json), of the plots in `svg`. */
export function plotNames(svg: Partial<PlotFiles>, name: string): Partial<PlotFiles> {
  return Object.fromEntries(Object.keys(svg).map((key) => [key, `${name}${SUFFIX[key as keyof PlotFiles]}`]));
}

/**
 * Writes <out>/<adapter>-<date>-<suffix>.{json,md} and its two plots (a new name where that one is
 * taken: unusedBase) into a folder already checked (checkOutputFolder); returns the base path.
 */
export function writeMethods(bench: MethodsBench, outDir: string, suffix: string): string {
  const base = unusedBase(outDir, `${bench.adapter.vendor}-${bench.adapter.architecture}-${bench.createdAt.slice(0, 10)}-${suffix}`.replace(/[^\w.-]+/g, '-'), METHODS_FILES);
  const charts = methodCharts(bench);
  writeFileAtomic(`${base}.json`, `${JSON.stringify(bench, null, 2)}\n`, '--out');
  writeFileAtomic(`${base}-loss-vs-time.svg`, lineChart(charts.lossVsTime), '--out');
  writeFileAtomic(`${base}-loss-vs-samples.svg`, lineChart(charts.lossVsSamples), '--out');
  writeFileAtomic(`${base}.md`, methodsReport(bench, base.split('/').at(-1)!), '--out');
  return base;
}
