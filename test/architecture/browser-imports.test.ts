/**
 * What the browser loads imports nothing of Node: the page (src/page/main.ts and its worker) and
 * the package's browser entry reach no `node:` module and not the `webgpu` package (Dawn for
 * Node). A bundler leaves such an import as a stub that throws when the page loads (a constant
 * imported from adapter-node.ts once did: "createRequire is not a function", and every page test
 * timed out); this finds it in milliseconds, naming the file.
 */
import { expect, test } from 'vitest';
import { reachable, specifiers } from '../helpers/imports';

const BROWSER_ENTRIES = ['src/index-browser.ts', 'src/page/main.ts', 'src/page/worker.ts'];
const NODE_ONLY = /^(node:|webgpu$|fs$|path$|os$|child_process$|url$|module$)/;

test('the page and the browser build import no Node module', () => {
  const files = reachable(BROWSER_ENTRIES).filter((f) => f.startsWith('src/'));
  expect(files).toContain('src/api/fit.ts');
  const found = files.flatMap((file) => specifiers(file).filter((s) => NODE_ONLY.test(s)).map((s) => `${file} imports ${s}`));
  expect(found).toEqual([]);
});
