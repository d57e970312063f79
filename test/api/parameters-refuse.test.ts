/**
 * The parameter functions check what they are handed as evaluate does (hostile3 #6, #7, #17, #18):
 * the shared parameter-vector check (length, finiteness, float32's range), a known weights format,
 * and the CSV reader's column-name rule for rows handed in.
 */
import { describe, expect, test } from 'vitest';
import { classificationData, parametersOf, regressionFromRows, storedParams, syntheticData, UserError, weightsFile } from '../../src/index';

const syn = syntheticData(50, 3, 0.5, 1);
const tiny = classificationData({ images: new Uint8Array(8), labels: new Uint8Array([0, 1]), count: 2, features: 4 }, null, { kind: 'arrays' }, 'tiny');
const rows = { x: new Float64Array([1, 2, 3, 4]), y: new Float64Array([1, 2, 3, 4]), count: 4, dims: 1 };

describe('parameters are refused as evaluate refuses them', () => {
  test.each([
    { name: 'storedParams beyond float32', run: () => storedParams(syn, [1e39, 0, 0, 0], 'w'), error: /^w\[0\] is .*beyond float32's range/ },
    { name: 'parametersOf of the wrong length', run: () => parametersOf(tiny, new Float32Array(5)), error: /^params: holds 5 values; this data needs 50 .*or 52/ },
    { name: 'parametersOf of NaN', run: () => parametersOf(syn, new Float32Array(4).fill(NaN)), error: /^params\[0\] is NaN, not a finite number/ },
    { name: 'parametersOf(data, null)', run: () => parametersOf(syn, null as never), error: /^params must be an array, Float32Array or Float64Array/ },
    { name: 'weightsFile in an unknown format', run: () => weightsFile(tiny, new Float32Array(52), 'onnx' as never), error: /^format must be one of downhill, safetensors, got 'onnx'/ },
    { name: 'regressionFromRows with a feature named as the target', run: () => regressionFromRows(rows, 1, {}, { kind: 'arrays' }, 'mine', ['y'], 'y'), error: /^mine: the column name 'y' appears twice/ },
    { name: 'regressionFromRows with too few names', run: () => regressionFromRows({ ...rows, x: new Float64Array(8), dims: 2 }, 1, {}, { kind: 'arrays' }, 'mine', ['a'], 'y'), error: /^names holds 1 names; the rows have 2 features/ },
  ])('$name', ({ run, error }) => {
    expect(run).toThrow(UserError);
    expect(run).toThrow(error);
  });

  test('what fits float32 is still stored, and a good vector still converts', () => {
    expect(Array.from(storedParams(syn, [1, 0, 0, 0], 'w')).every(Number.isFinite)).toBe(true);
    expect(parametersOf(tiny, new Float32Array(52)).model).toBe('softmax-classifier');
    expect(regressionFromRows(rows, 1, {}, { kind: 'arrays' }, 'mine', ['x'], 'y').names).toEqual(['x']);
  });
});
