/**
 * The IDX, weights and checkpoint parsers against thousands of corrupt inputs each (see
 * test/helpers/fuzz.ts). Counts of rejected and accepted cases are printed for the record.
 */
import { describe, expect, test } from 'vitest';
import { datasetFromIdx } from '../../src/data/load';
import { parseIdx } from '../../src/data/idx';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { decodeWeights, encodeWeights } from '../../src/io/weights';
import { SGD } from '../../src/optim/optimizer';
import { CONSTANT } from '../../src/optim/schedule';
import { SOFTMAX_CLASSIFIER, paramLayout } from '../../src/model';
import { Rng } from '../../src/rng';
import { fuzz } from '../helpers/fuzz';
import { encodeIdx } from '../helpers/idx';
import { randomFloats, randomImages, randomLabels } from '../helpers/random';

const CASES = 4000;
const rng = new Rng(11);

describe('fuzzed parsers reject corrupt input cleanly or accept it correctly', () => {
  test('IDX', () => {
    const seeds = [
      encodeIdx([3, 28, 28], randomImages(rng, 3, 784)),
      encodeIdx([7], randomLabels(rng, 7)),
      encodeIdx([2, 3, 4, 5], randomImages(rng, 1, 120)),
    ];
    const counts = fuzz('f.idx', seeds, CASES, (b) => parseIdx(b, 'f.idx'), (r, bytes) => {
      // accepted: the dimensions describe exactly the data that follows the header
      expect(r.data.length).toBe(r.dims.reduce((a, d) => a * d, 1));
      expect(4 + 4 * r.dims.length + r.data.length).toBe(bytes.length);
      expect(r.data.buffer).toBe(bytes.buffer); // a view, never a copy sized by the header
    }, { lengthFields: [4, 8, 12, 16] });
    console.log(`IDX fuzz: ${counts.cases} cases, ${counts.rejected} rejected, ${counts.accepted} accepted`);
    expect(counts.rejected).toBeGreaterThan(CASES / 2);
  });

  test('IDX as a dataset (images and labels together)', () => {
    const images = encodeIdx([5, 28, 28], randomImages(rng, 5, 784));
    const labels = encodeIdx([5], randomLabels(rng, 5));
    const counts = fuzz('l', [labels], CASES, (b) => datasetFromIdx(images, 'i', b, 'l'), (d) => {
      expect(d.count).toBe(5);
      expect(d.labels.every((y) => y < 10)).toBe(true);
    }, { lengthFields: [4] });
    console.log(`IDX dataset fuzz: ${counts.cases} cases, ${counts.rejected} rejected, ${counts.accepted} accepted`);
  });

  test('weights', () => {
    const layout = paramLayout(12);
    const params = randomFloats(rng, layout.paddedCount, 1).fill(0, layout.count);
    const file = encodeWeights(params, SOFTMAX_CLASSIFIER, layout.features);
    const counts = fuzz('w', [file], CASES, (b) => decodeWeights(b, 'w', SOFTMAX_CLASSIFIER, 12), (p) => {
      // accepted only if the values are the ones written (a flip in free text of the header is harmless)
      expect(p).toEqual(params);
    }, { lengthFields: [8] });
    console.log(`weights fuzz: ${counts.cases} cases, ${counts.rejected} rejected, ${counts.accepted} accepted`);
    expect(counts.rejected).toBeGreaterThan(CASES / 2);
  });

  test('checkpoint', () => {
    const layout = paramLayout(8);
    const params = randomFloats(rng, layout.paddedCount, 1).fill(0, layout.count);
    const state = { epoch: 1, stepInEpoch: 3, steps: 13, samples: 130, trainMs: 12.5, evalMs: 3, rngState: 12345, windowFirst: 2, history: [{ epoch: 0, step: 0, samples: 0, trainMs: 0, loss: 2.3, accuracy: 0.1 }] };
    const run = { batchSize: 10, lr: 0.1, seed: 1, recordEvery: 5, epochs: 2, features: 8, trainExamples: 100, dataCrc32: 77, backend: 'webgpu', task: 'classification' as const, objective: null, shuffle: true, origin: { kind: 'mnist' as const, dir: null }, stepVariant: 'four-kernels', optimizer: SGD, schedule: CONSTANT };
    const file = encodeCheckpoint({ run, state, params, optimizerState: [] });
    const counts = fuzz('c', [file], CASES, (b) => decodeCheckpoint(b, 'c'), (c) => {
      expect(c.params).toEqual(params);
      expect(Number.isSafeInteger(c.state.steps)).toBe(true);
    }, { lengthFields: [8] });
    console.log(`checkpoint fuzz: ${counts.cases} cases, ${counts.rejected} rejected, ${counts.accepted} accepted`);
    expect(counts.rejected).toBeGreaterThan(CASES / 2);
  });
});
