/** The inputs' second moment: trace and λ_max against a brute-force float64 M, on small seeded data. */
import { describe, expect, test } from 'vitest';
import { type InputRows, inputMoments, momentsOf, sampledInputs } from '../../src/data/moments';
import { type TrainingData } from '../../src/data/training-data';
import { Rng } from '../../src/rng';
import { classifierData, regressionSplitData } from '../helpers/data';

/** M = XᵀX / rows, formed in full. */
function bruteForceMoment({ x, rows, dims }: InputRows): number[][] {
  const m = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
  for (let r = 0; r < rows; r++) for (let i = 0; i < dims; i++) for (let j = 0; j < dims; j++) m[i]![j]! += (x[r * dims + i]! * x[r * dims + j]!) / rows;
  return m;
}

/** Every eigenvalue of a symmetric matrix by cyclic Jacobi rotations: another way than power iteration. */
function jacobiEigenvalues(input: number[][]): number[] {
  const a = input.map((row) => row.slice());
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k]![p]!, a[k]![q]!];
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p]![k]!, a[q]![k]!];
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]!);
}

function seededImages(count: number, features: number, seed: number): TrainingData {
  const rng = new Rng(seed);
  // uneven columns (some bright, some dark) so that M has a spread of eigenvalues
  const images = Uint8Array.from({ length: count * features }, (_, i) => Math.floor(rng.next() * 256 * ((i % features) / features)));
  const labels = Uint8Array.from({ length: count }, () => rng.below(10));
  return classifierData({ train: { images, labels, count, features } });
}

function seededRows(count: number, dims: number, seed: number): TrainingData {
  const rng = new Rng(seed);
  const features = Float32Array.from({ length: count * dims }, (_, i) => (rng.next() - 0.5) * (1 + (i % dims)));
  const targets = Float32Array.from({ length: count }, () => rng.next());
  const empty = { features: new Float32Array(0), targets: new Float32Array(0), count: 0, dims };
  return regressionSplitData({ train: { features, targets, count, dims }, test: empty, featureScale: Array.from({ length: dims }, () => ({ mean: 0, sd: 1 })), targetScale: { mean: 0, sd: 1 } });
}

describe.each([
  ['images (pixels / 255)', () => seededImages(300, 12, 7)],
  ['regression rows (as stored)', () => seededRows(250, 9, 3)],
])('%s', (_, make) => {
  test('trace is exact and λ_max is the largest eigenvalue to 1e-6', () => {
    const data = make();
    const rows = sampledInputs(data);
    const m = bruteForceMoment(rows);
    const trace = m.reduce((s, row, i) => s + row[i]!, 0);
    const largest = Math.max(...jacobiEigenvalues(m));
    const got = inputMoments(data);
    expect(got.rows).toBe(data.trainCount);
    expect(got.trace).toBeCloseTo(trace, 12);
    expect(Math.abs(got.lambdaMax - largest)).toBeLessThan(1e-6);
  });

  test('the same data gives the same numbers, computed once', () => {
    const data = make();
    expect(inputMoments(data)).toBe(inputMoments(data));
    expect(inputMoments(make())).toEqual(inputMoments(data));
  });
});

test('the images are scaled as the kernels see them, with the bias column', () => {
  const data = classifierData({ train: { images: Uint8Array.from([255, 0, 0, 255, 255, 255, 255, 255]), labels: Uint8Array.from([0, 1]), count: 2, features: 4 } });
  // rows (1, 0, 0, 1, 1) and (1, 1, 1, 1, 1): E‖x̃‖² = (3 + 5) / 2
  expect(inputMoments(data).trace).toBeCloseTo(4, 12);
});

test('large data is sampled at evenly spaced rows, at most the limit', () => {
  const data = seededImages(1000, 8, 2);
  const sample = sampledInputs(data, 100);
  expect(sample.rows).toBe(100);
  // row r of the sample is training row 10·r
  const images = data.task === 'classification' ? data.train.images : new Uint8Array(0);
  expect(sample.x[37 * 9 + 3]).toBeCloseTo(images[370 * 8 + 3]! / 255, 15);
  expect(momentsOf(sample).rows).toBe(100);
});
