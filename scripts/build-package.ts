/**
 * Builds what `npm pack` ships (npm runs it as `prepack`), into package/:
 *   package/node/index.js       the library for Node (src/index.ts), ESM
 *   package/node/downhill.js    the `downhill` command (src/package/downhill.ts): train, evaluate, predict, bench
 *   package/node/bench-engine.js  one engine of `downhill bench`, run in a process of its own
 *   package/node/pytorch.py     the benchmark's PyTorch peer
 *   package/browser/index.js    the library for the browser (src/package/browser.ts), WGSL embedded
 *   package/types/              type declarations (tsc), relative imports given their .js names
 * Node's bundles read the WGSL from shaders/ (shipped beside package/), found from their own
 * location as src/device/shader-files-node.ts finds it in the repository: both sit two folders
 * below the package root. Their options (scripts/node-bundle.ts) are shared with the tests' build
 * of the commands.
 *
 *   npx tsx scripts/build-package.ts
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ROOT as root, buildNodeBundle } from './node-bundle';

const out = join(root, 'package');

/** 'downhill:shaders': every file of shaders/ as a string, by name (the browser has no file system). */
const embeddedShaders: Plugin = {
  name: 'downhill-shaders',
  setup(b) {
    b.onResolve({ filter: /^downhill:shaders$/ }, () => ({ path: 'shaders', namespace: 'downhill' }));
    b.onLoad({ filter: /.*/, namespace: 'downhill' }, () => {
      const dir = join(root, 'shaders');
      const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.wgsl')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
      return { contents: `export const WGSL = ${JSON.stringify(files)};`, loader: 'js' };
    });
  },
};

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  await buildNodeBundle({ index: 'src/index.ts', downhill: 'src/package/downhill.ts', 'bench-engine': 'bench/engine-main.ts' }, join(out, 'node'));
  copyFileSync(join(root, 'bench/peers/pytorch.py'), join(out, 'node/pytorch.py'));
  await build({
    entryPoints: { index: 'src/package/browser.ts' },
    absWorkingDir: root, outdir: join(out, 'browser'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    plugins: [embeddedShaders], logLevel: 'warning',
  });
  declarations();
  console.log(`build-package: wrote ${relative(root, out)}/ (${listFiles(out).length} files)`);
}

/** tsc's declarations of both entries, each relative import given the name Node resolves (./x.js, ./x/index.js). */
function declarations(): void {
  const types = join(out, 'types');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.package.json', '--outDir', types], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  for (const file of listFiles(types).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g, (all, lead: string, q: string, spec: string) => {
      const base = join(dirname(file), spec);
      if (existsSync(`${base}.d.ts`)) return `${lead}${q}${spec}.js${q}`;
      if (existsSync(join(base, 'index.d.ts'))) return `${lead}${q}${spec}/index.js${q}`;
      return all;
    });
    if (fixed !== text) writeFileSync(file, fixed);
  }
  // the API names WebGPU's types (GPUDevice, GPUBuffer): a dependency, declared for whoever imports an entry
  for (const entry of ['index.d.ts', 'package/browser.d.ts']) {
    const file = join(types, entry);
    writeFileSync(file, `/// <reference types="@webgpu/types" />\n${readFileSync(file, 'utf8')}`);
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

mkdirSync(out, { recursive: true });
await main();
