/**
 * Where WGSL text comes from. The same files in shaders/ serve Node and the browser: Node reads
 * them from disk (shader-files-node.ts), the browser page gets them bundled by Vite.
 */
export type ShaderSource = (file: string) => string;

/** Shared declarations (struct Batch, CLASSES, helpers) compiled in front of every kernel. */
export const PRELUDE_FILE = 'prelude.wgsl';

/** A kernel's module text, and where each of its lines comes from (for compile errors). */
export interface KernelModule {
  code: string;
  /** the file and line of line `line` (1-based) of `code` */
  locate(line: number): { file: string; line: number };
}

/**
 * The prelude followed by the kernel's file: one module, lines mapped back to their files. With
 * `repeat` (a register tile's sizes, which WGSL cannot take as overrides), the file is expanded
 * by expandRepeats first.
 */
export function kernelModule(files: ShaderSource, file: string, repeat?: Readonly<Record<string, number>>): KernelModule {
  const text = files(PRELUDE_FILE);
  const prelude = text.endsWith('\n') ? text : `${text}\n`;
  const preludeLines = prelude.split('\n').length - 1;
  const kernel = repeat ? expandRepeats(files(file), repeat) : { text: files(file), sourceLine: (line: number) => line };
  return {
    code: prelude + kernel.text,
    locate: (line) => (line <= preludeLines ? { file: PRELUDE_FILE, line } : { file, line: kernel.sourceLine(line - preludeLines) }),
  };
}

/**
 * The one WGSL generator: register tiles written out. A code line that names `#x` (x a letter
 * of `counts`) is written once per x = 0 .. counts[x] - 1 with #x replaced by that number (a
 * line naming several letters: once per combination, the first named outermost); `#X` (upper
 * case) is replaced by counts[x] and repeats nothing. Comment lines are left as they are.
 */
export function expandRepeats(text: string, counts: Readonly<Record<string, number>>): { text: string; sourceLine: (line: number) => number } {
  const out: string[] = [];
  const from: number[] = [];
  text.split('\n').forEach((line, i) => {
    const comment = line.trimStart().startsWith('//');
    const letters = comment ? [] : [...new Set([...line.matchAll(/#([a-z])/g)].map((m) => m[1]!))];
    const counted = line.replace(/#([A-Z])/g, (m, x: string) => (comment ? m : String(count(counts, x.toLowerCase()))));
    let lines = [counted];
    for (const x of letters) lines = lines.flatMap((l) => Array.from({ length: count(counts, x) }, (_, v) => l.replaceAll(`#${x}`, String(v))));
    for (const l of lines) {
      out.push(l);
      from.push(i + 1);
    }
  });
  return { text: out.join('\n'), sourceLine: (line) => from[line - 1] ?? line };
}

function count(counts: Readonly<Record<string, number>>, x: string): number {
  const n = counts[x];
  if (n === undefined || !Number.isSafeInteger(n) || n < 1) throw new Error(`#${x} has no repeat count (given: ${JSON.stringify(counts)})`);
  return n;
}
