/** Builds IDX files (unsigned bytes) and small datasets for tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset';
import { IDX_FILES } from '../../src/data/load';

export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** The first `count` examples of a dataset. */
export function head(data: Dataset, count: number): Dataset {
  return { images: data.images.subarray(0, count * data.features), labels: data.labels.subarray(0, count), count, features: data.features };
}

/** Writes train and test sets as the four standard IDX files into a new temporary folder. */
export function writeIdxFolder(train: Dataset, test: Dataset): string {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-idx-'));
  for (const [split, set] of [['train', train], ['test', test]] as const) {
    writeFileSync(join(dir, IDX_FILES[split].images), encodeIdx([set.count, 28, 28], set.images));
    writeFileSync(join(dir, IDX_FILES[split].labels), encodeIdx([set.count], set.labels));
  }
  return dir;
}
