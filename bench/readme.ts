/**
 * npm run bench:readme: writes the README's benchmark sections again from the committed results
 * they name (src/report/readme-blocks.ts), each rendered as `npm run bench:report` renders it.
 */
import { readFileSync } from 'node:fs';
import { runCommand } from '../src/command/run';
import { writeFileAtomic } from '../src/io/files';
import { renderReadme } from '../src/report/readme-blocks';
import { reportOf } from '../src/report/results-file';

runCommand('bench:readme', async () => {
  writeFileAtomic('README.md', renderReadme(readFileSync('README.md', 'utf8'), reportOf), 'README.md');
  console.log('bench:readme: wrote README.md');
});
