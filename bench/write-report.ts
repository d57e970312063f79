/** Writes the markdown report and the three SVG plots beside a results file. */
import { basename } from 'node:path';
import { writeFileAtomic } from '../src/io/files';
import { type PlotFiles, markdownReport, plots } from './report';
import type { BenchResults } from './results';

export function writeReport(r: BenchResults, base: string): string[] {
  const files: PlotFiles = { lossVsTime: `${base}-loss-vs-time.svg`, lossVsSamples: `${base}-loss-vs-samples.svg`, throughput: `${base}-throughput.svg` };
  const svg = plots(r);
  for (const key of Object.keys(files) as Array<keyof PlotFiles>) writeFileAtomic(files[key], svg[key], 'report');
  const relative = { lossVsTime: basename(files.lossVsTime), lossVsSamples: basename(files.lossVsSamples), throughput: basename(files.throughput) };
  writeFileAtomic(`${base}.md`, markdownReport(r, relative), 'report');
  return [`${base}.md`, ...Object.values(files)];
}
