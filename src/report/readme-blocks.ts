/**
 * The README's benchmark tables are sections of a committed run's report, never typed: each sits
 * between a marker naming its results file and section and an end marker, and
 * `npm run bench:readme` (bench/readme.ts) writes them again from the results (a test checks that
 * doing so changes nothing).
 *
 *   <!-- rendered by npm run bench:readme from bench/results/NAME.json, section "HEADING" -->
 *   ...the lines under '## HEADING' in NAME.json's markdown report...
 *   <!-- end of rendered section -->
 */
import { UserError } from '../errors';

const BEGIN = /^<!-- rendered by npm run bench:readme from (\S+\.json), section "([^"]+)" -->$/;
const END = '<!-- end of rendered section -->';

export interface RenderedBlock {
  resultsPath: string;
  heading: string;
}

/** The lines under `## heading` in a markdown report, up to the next '## ', without blank lines at either end. */
export function reportSection(report: string, heading: string, resultsPath: string): string[] {
  const lines = report.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new UserError(`the report of ${resultsPath} has no section '## ${heading}'`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  while (body[0] === '') body.shift();
  while (body.at(-1) === '') body.pop();
  return body;
}

/** Every rendered block of `readme`, in order. */
export function renderedBlocks(readme: string): RenderedBlock[] {
  return readme.split('\n').flatMap((line) => {
    const m = BEGIN.exec(line);
    return m ? [{ resultsPath: m[1]!, heading: m[2]! }] : [];
  });
}

/** `readme` with each block's lines replaced by its section of `report(resultsPath)`. */
export function renderReadme(readme: string, report: (resultsPath: string) => string): string {
  const out: string[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    const m = BEGIN.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(END, i + 1);
    if (end < 0) throw new UserError(`README line ${i + 1}: a rendered section without '${END}'`);
    out.push('', ...reportSection(report(m[1]!), m[2]!, m[1]!), '', END);
    i = end;
  }
  return out.join('\n');
}
