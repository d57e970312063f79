/**
 * The layering, checked on every import in src/, bench/, scripts/ and examples/ (static,
 * type-only, dynamic and re-exports alike): imports run downwards.
 *
 * LAYERS lists the rows from the bottom up. A file may import its own layer and any layer on a
 * lower row; layers on the same row are siblings and may not import each other (the page never
 * imports the CLI, nor the CLI the benchmarks). A file belongs to the layer with the longest
 * path that contains it, so one file can sit above its folder (io/checkpoint.ts records the
 * trainer's state). Every file must belong to a layer: a new folder is placed here first.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

interface Layer {
  name: string;
  paths: readonly string[];
}

const LAYERS: ReadonlyArray<readonly Layer[]> = [
  [{ name: 'base', paths: ['src/errors.ts', 'src/fields.ts', 'src/format.ts', 'src/model.ts', 'src/rng.ts', 'src/event-loop.ts', 'src/environment-variables.ts'] }],
  // the optimisers' definitions are the spec the update rules' references implement
  [{ name: 'optim', paths: ['src/optim/'] }],
  [
    { name: 'reference', paths: ['src/reference/'] },
    { name: 'io', paths: ['src/io/'] },
  ],
  [
    { name: 'data', paths: ['src/data/'] },
    { name: 'device', paths: ['src/device/'] },
  ],
  [{ name: 'kernels', paths: ['src/kernels/'] }],
  [{ name: 'backend', paths: ['src/backend/'] }],
  [{ name: 'train', paths: ['src/train/'] }],
  [{ name: 'records', paths: ['src/io/checkpoint.ts', 'src/io/run-report.ts'] }],
  [{ name: 'api', paths: ['src/api/', 'src/library.ts', 'src/index.ts', 'src/index-browser.ts'] }],
  [{ name: 'measure', paths: ['src/measure/'] }],
  [{ name: 'report', paths: ['src/report/'] }],
  [{ name: 'command', paths: ['src/command/'] }],
  [
    { name: 'cli', paths: ['src/cli/'] },
    { name: 'page', paths: ['src/page/'] },
    { name: 'bench', paths: ['bench/'] },
    { name: 'scripts', paths: ['scripts/'] },
    // the classic programs, run as written (examples/*.sh and the TS they run)
    { name: 'examples', paths: ['examples/'] },
  ],
  // the installed package's entries: the browser build's device, and the command over the shells
  [{ name: 'package', paths: ['src/package/'] }],
];

/**
 * Backward imports known today, each with why it is there and where it should go. The test fails
 * on any other, and on an entry here that no longer occurs (delete it then).
 */
const KNOWN_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['src', 'bench', 'scripts', 'examples'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return path === 'bench/results' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The repository paths `file` imports by a relative specifier (packages are not layers). */
function localImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const base = resolve(ROOT, dirname(file), spec.replace(/\?.*$/, ''));
      const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
      return relative(ROOT, found ?? base);
    });
}

interface Placed {
  layer: Layer;
  row: number;
}

function layerOf(path: string): Placed | undefined {
  let best: (Placed & { length: number }) | undefined;
  LAYERS.forEach((layers, row) => {
    for (const layer of layers) {
      for (const p of layer.paths) {
        const contains = p.endsWith('/') ? path.startsWith(p) : path === p;
        if (contains && (!best || p.length > best.length)) best = { layer, row, length: p.length };
      }
    }
  });
  return best && { layer: best.layer, row: best.row };
}

/** Why `from` may not import `to`, or undefined when it may. */
function refusal(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (!a) return `${from} is in no layer`;
  if (!b) return `${to} is in no layer`;
  if (a.layer === b.layer || b.row < a.row) return undefined;
  return b.row === a.row ? `${a.layer.name} imports its sibling ${b.layer.name}` : `${a.layer.name} imports ${b.layer.name}, a layer above it`;
}

const files = SCANNED.flatMap(sourceFiles);
const edges = files.flatMap((from) => localImports(from).map((to) => ({ from, to })));
const isKnown = (e: { from: string; to: string }) => KNOWN_EXCEPTIONS.some((k) => k.from === e.from && k.to === e.to);

describe('layers', () => {
  test('every file belongs to a layer', () => {
    expect(files.filter((f) => !layerOf(f))).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  test('every import runs downwards', () => {
    const wrong = edges.filter((e) => !isKnown(e)).flatMap((e) => {
      const why = refusal(e.from, e.to);
      return why ? [`${e.from} -> ${e.to}: ${why}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  test('every known exception still occurs and still runs the wrong way', () => {
    const stale = KNOWN_EXCEPTIONS.filter((k) => !edges.some((e) => e.from === k.from && e.to === k.to) || !refusal(k.from, k.to));
    expect(stale).toEqual([]);
  });

  // the rules themselves, on named cases, so that the check is seen to refuse
  test.each([
    ['src/page/view.ts', 'src/report/svg.ts', 'allowed'],
    ['bench/run.ts', 'src/measure/results.ts', 'allowed'],
    ['src/cli/train.ts', 'src/command/args.ts', 'allowed'],
    ['src/io/checkpoint.ts', 'src/train/trainer.ts', 'allowed'],
    ['src/page/view.ts', 'bench/run.ts', 'page imports its sibling bench'],
    ['bench/run.ts', 'src/cli/args.ts', 'bench imports its sibling cli'],
    ['src/measure/curve.ts', 'src/report/svg.ts', 'measure imports report, a layer above it'],
    ['src/device/gpu.ts', 'src/backend/webgpu.ts', 'device imports backend, a layer above it'],
    ['src/io/files.ts', 'src/io/checkpoint.ts', 'io imports records, a layer above it'],
    ['src/train/trainer.ts', 'test/helpers/gpu.ts', 'test/helpers/gpu.ts is in no layer'],
  ])('%s -> %s: %s', (from, to, expected) => {
    expect(refusal(from, to) ?? 'allowed').toBe(expected);
  });
});
