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

/** The prelude followed by the kernel's file: one module, lines mapped back to their files. */
export function kernelModule(files: ShaderSource, file: string): KernelModule {
  const text = files(PRELUDE_FILE);
  const prelude = text.endsWith('\n') ? text : `${text}\n`;
  const preludeLines = prelude.split('\n').length - 1;
  return {
    code: prelude + files(file),
    locate: (line) => (line <= preludeLines ? { file: PRELUDE_FILE, line } : { file, line: line - preludeLines }),
  };
}
