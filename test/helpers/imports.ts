/**
 * The repository's import graph, read from source with TypeScript's pre-processor (no bundler):
 * which files an entry reaches by relative imports, and what else they import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every specifier `file` imports (type-only imports too), as written. */
export function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Repository files `file` imports by relative specifiers. */
function imports(file: string): string[] {
  return specifiers(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(ROOT, dirname(file), spec.replace(/\?.*$/, '')))
    .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p)))
    .filter((p): p is string => p !== undefined)
    .map((p) => relative(ROOT, p));
}

/** The files `entries` reach, themselves included, sorted. */
export function reachable(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...imports(file));
  }
  return [...seen].sort();
}
