/**
 * npm run bench:readme: writes the README's benchmark sections again from the committed results
 * they name (src/report/readme-blocks.ts), each rendered as `npm run bench:report` renders it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseCommandLine } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { check } from '../src/errors';
import { writeFileAtomic } from '../src/io/files';
import { renderReadme } from '../src/report/readme-blocks';
import { reportOf } from '../src/report/results-file';

const HELP = `usage: npm run bench:readme -- [--readme FILE]
Writes the README's marked benchmark sections again from the results files they name (paths
relative to the current folder), and says whether anything changed.
  --readme FILE   the markdown file to rewrite. Default README.md`;

runCommand('bench:readme', async () => {
  const args = parseCommandLine(process.argv.slice(2), { help: { type: 'boolean', short: 'h' }, readme: { type: 'string' } });
  if (args.help) return void console.log(HELP);
  const path = (args.readme as string | undefined) ?? 'README.md';
  check(existsSync(path), `--readme ${path}: no such file`);
  const before = readFileSync(path, 'utf8');
  const after = renderReadme(before, reportOf);
  if (after === before) return void console.log(`bench:readme: ${path} unchanged (its sections are what the results render)`);
  writeFileAtomic(path, after, '--readme');
  console.log(`bench:readme: wrote ${path}`);
});
