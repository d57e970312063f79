/**
 * How much WGSL is written twice: the share of code lines in shaders/*.wgsl that stand word for
 * word in another shader file. A code line is a line with its `//` comment removed, whitespace
 * collapsed, that holds at least one word (a lone `}` is not code). A kernel's own declarations are not counted, since every kernel must
 * state them: its `@group/@binding` var lines, its `override` lines and its entry point
 * (`@compute ...` and `fn main(` up to the line that opens its body).
 *
 *   node --import tsx scripts/wgsl-repetition.ts [shader folder]   (npm run wgsl:repetition)
 *
 * Prints one row per file (code lines counted, of which repeated elsewhere) and the total share.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { check } from '../src/errors';
import { describeKind } from '../src/io/files';

const HELP = `usage: npm run wgsl:repetition -- [SHADER_FOLDER]
The share of WGSL code lines that stand word for word in another shader file. Default folder: shaders/`;

/** The counted code lines of one WGSL file, normalised. */
function countedLines(source: string): string[] {
  const out: string[] = [];
  let inEntryPoint = false;
  for (const raw of source.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').replace(/\s+/g, ' ').trim();
    if (!/\w/.test(line)) continue;
    if (inEntryPoint) {
      if (line.endsWith('{')) inEntryPoint = false;
      continue;
    }
    if (/^@group\(\d+\) @binding\(\d+\) var\b/.test(line) || line.startsWith('override ') || line.startsWith('@compute')) continue;
    if (line.startsWith('fn main(')) {
      inEntryPoint = !line.endsWith('{');
      continue;
    }
    out.push(line);
  }
  return out;
}

runCommand('wgsl:repetition', async () => {
  const argv = process.argv.slice(2);
  const args = parseCommandLine(argv.filter((a) => a.startsWith('-')), { help: { type: 'boolean', short: 'h' } });
  if (args.help) return void console.log(HELP);
  const folders = argv.filter((a) => !a.startsWith('-'));
  check(folders.length <= 1, `one shader folder at most, got ${folders.length}`);
  const dir = folders[0] ?? fileURLToPath(new URL('../shaders/', import.meta.url));
  check(dir !== '', "the shader folder '' is empty: name a folder");
  const s = statSync(dir, { throwIfNoEntry: false });
  check(s !== undefined, `${dir}: no such folder`);
  check(s.isDirectory(), `${dir}: not a folder (it is ${describeKind(s)})`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.wgsl')).sort();
  check(files.length > 0, `${dir}: no .wgsl files in this folder`);
  const lines = new Map(files.map((f) => [f, countedLines(readFileSync(join(dir, f), 'utf8'))]));
  const rows = files.map((file) => {
    const elsewhere = new Set(files.filter((g) => g !== file).flatMap((g) => lines.get(g)!));
    const mine = lines.get(file)!;
    return { file, code: mine.length, repeated: mine.filter((l) => elsewhere.has(l)).length };
  });
  const code = rows.reduce((a, r) => a + r.code, 0);
  const repeated = rows.reduce((a, r) => a + r.repeated, 0);
  const pct = (a: number, b: number) => `${b === 0 ? '0' : ((100 * a) / b).toFixed(0)}%`;
  const width = Math.max(...files.map((f) => f.length));
  console.log(`${'file'.padEnd(width)}  code  repeated`);
  for (const r of rows) console.log(`${r.file.padEnd(width)}  ${String(r.code).padStart(4)}  ${String(r.repeated).padStart(4)} ${pct(r.repeated, r.code).padStart(4)}`);
  console.log(`${'total'.padEnd(width)}  ${String(code).padStart(4)}  ${String(repeated).padStart(4)} ${pct(repeated, code).padStart(4)}  of code lines stand word for word in another shader file`);
});
