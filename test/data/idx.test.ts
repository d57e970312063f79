import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseIdx } from '../../src/data/idx';
import { datasetFromIdx, parseImages } from '../../src/data/load';
import { idxInputs, loadSplit } from '../../src/data/load-node';
import { UserError } from '../../src/errors';
import { encodeIdx, head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const images = (n: number, side = 28) => encodeIdx([n, side, side], new Uint8Array(n * side * side));
const labels = (values: number[]) => encodeIdx([values.length], Uint8Array.from(values));

describe('images are 28x28, for training, evaluation and prediction alike (parseImages)', () => {
  test.each([
    { dims: [3, 14, 56], found: '3x14x56' },
    { dims: [2, 1, 28, 28], found: '2x1x28x28' },
    { dims: [2, 784], found: '2x784' },
    { dims: [10], found: '10' },
  ])('$found is refused', ({ dims, found }) => {
    const bytes = encodeIdx(dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)));
    expect(() => parseImages(bytes, 'x.idx')).toThrow(new UserError(`x.idx: expected images of 28x28 (dimensions Nx28x28), found ${found}`));
  });
  test('Nx28x28 is read', () => expect(parseImages(images(2), 'x.idx').dims).toEqual([2, 28, 28]));
});

describe('IDX parser accepts well-formed files', () => {
  test('dimensions and data', () => {
    const parsed = parseIdx(encodeIdx([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])), 'x');
    expect(parsed.dims).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('real MNIST: 60000/10000 images with the published label counts', () => {
    const { train, test } = mnist();
    expect([train.count, test.count]).toEqual([60000, 10000]);
    const counts = new Array(10).fill(0);
    for (const y of train.labels) counts[y]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });
});

describe('IDX parser rejects corrupt files with a one-line error naming the file', () => {
  const good = encodeIdx([2, 3], new Uint8Array(6));
  test.each([
    { name: 'empty file', bytes: new Uint8Array(0), error: /x: not an IDX file \(only 0 bytes\)/ },
    { name: 'wrong magic', bytes: Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]), error: /x: not an IDX file \(bad magic number 0x01020801/ },
    { name: 'float element type', bytes: Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), error: /element type 0x0d is not supported/ },
    { name: 'zero dimensions', bytes: Uint8Array.from([0, 0, 8, 0]), error: /claims 0 dimensions/ },
    { name: 'truncated header', bytes: good.subarray(0, 9), error: /truncated IDX header \(9 bytes, need 12\)/ },
    { name: 'truncated data', bytes: good.subarray(0, good.length - 1), error: /truncated: header says 2x3 = 6 bytes of data, file has 5/ },
    { name: 'trailing bytes', bytes: Uint8Array.from([...good, 0, 0]), error: /2 unexpected bytes after the 2x3 data/ },
    // a header claiming 4 billion elements must fail on the length check, not allocate
    { name: 'huge claimed size', bytes: Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 0, 0, 0, 255, 1]), error: /truncated: header says 4294967295x255/ },
  ])('$name', ({ bytes, error }) => {
    expect(() => parseIdx(bytes, 'x')).toThrow(UserError);
    expect(() => parseIdx(bytes, 'x')).toThrow(error);
  });
});

describe('datasets must be 28x28 images with matching labels in 0..9', () => {
  test.each([
    { name: 'images not 28x28', img: images(2, 27), lab: labels([0, 1]), error: /imgs: expected images of 28x28 .* found 2x27x27/ },
    { name: 'labels not 1-D', img: images(2), lab: encodeIdx([2, 1], Uint8Array.from([0, 1])), error: /labs: expected a 1-dimensional label file/ },
    { name: 'count mismatch', img: images(3), lab: labels([0, 1]), error: /labs: 2 labels for 3 images/ },
    { name: 'label 10', img: images(3), lab: labels([0, 10, 1]), error: /labs: label 10 at index 1 is outside the 10 classes 0..9/ },
    { name: 'no images', img: images(0), lab: labels([]), error: /imgs: the file holds no images/ },
  ])('$name', ({ img, lab, error }) => {
    expect(() => datasetFromIdx(img, 'imgs', lab, 'labs')).toThrow(error);
  });

  test('a file present both plain and gzipped is refused, naming both (which one to read is ambiguous)', () => {
    const dir = writeIdxFolder(head(mnist().train, 20), head(mnist().test, 20));
    try {
      copyFileSync(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-images-idx3-ubyte.gz'));
      const message = `${dir} holds both train-images-idx3-ubyte and train-images-idx3-ubyte.gz: which one to read is ambiguous; remove one`;
      expect(() => loadSplit(dir, 'train')).toThrow(new UserError(message));
      expect(() => idxInputs(dir)).toThrow(new UserError(message));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('a missing file is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'downhill-empty-'));
    try {
      expect(() => loadSplit(dir, 'train')).toThrow(new RegExp(`cannot read ${dir}/train-images-idx3-ubyte: no such file`));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
