/**
 * npm run bench:readme: writes the README's benchmark sections again from the committed results
 * they name (src/report/readme-blocks.ts), each rendered as the benchmark that wrote it renders
 * its report (src/report/results-file.ts reportOf, by the file's schema).
 */
import { parseCommandLine } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { check } from '../src/errors';
import { readInput, writeFileAtomic } from '../src/io/files';
import { renderReadme, renderedBlocks } from '../src/report/readme-blocks';
import { reportOf } from '../src/report/results-file';

const HELP = `usage: npm run bench:readme -- [--readme FILE]
Writes the README's marked benchmark sections again from the results files they name (paths
relative to the current folder), and says whether anything changed. A file with no such
section is refused (exit 2).
  --readme FILE   the markdown file to rewrite. Default README.md`;

runCommand('bench:readme', async () => {
  const args = parseCommandLine(process.argv.slice(2), { help: { type: 'boolean', short: 'h' }, readme: { type: 'string' } });
  if (args.help) return void console.log(HELP);
  const path = (args.readme as string | undefined) ?? 'README.md';
  const before = readInput(path, `--readme ${path}`).toString('utf8');
  check(renderedBlocks(before).length > 0, `--readme ${path}: no rendered sections found (a section begins with a line '<!-- rendered by npm run bench:readme from FILE.json, section "HEADING" -->')`);
  const after = renderReadme(before, reportOf);
  if (after === before) return void console.log(`bench:readme: ${path} unchanged (its sections are what the results render)`);
  writeFileAtomic(path, after, '--readme');
  console.log(`bench:readme: wrote ${path}`);
});
