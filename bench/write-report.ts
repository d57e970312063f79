/** Writes the markdown report and the three SVG plots beside a results file. */
import { basename } from 'node:path';
import { writeFileAtomic } from '../src/io/files';
import { type PlotFiles, markdownReport, plots } from './report';
import type { BenchResults } from './results';

const SUFFIX: PlotFiles = { lossVsTime: '-loss-vs-time.svg', lossVsSamples: '-loss-vs-samples.svg', throughput: '-throughput.svg' };

export function writeReport(r: BenchResults, base: string): string[] {
  const svg = plots(r);
  const written: string[] = [];
  const relative: Partial<PlotFiles> = {};
  for (const key of Object.keys(svg) as Array<keyof PlotFiles>) {
    const path = `${base}${SUFFIX[key]}`;
    writeFileAtomic(path, svg[key]!, 'report');
    relative[key] = basename(path);
    written.push(path);
  }
  writeFileAtomic(`${base}.md`, markdownReport(r, relative), 'report');
  return [`${base}.md`, ...written];
}
