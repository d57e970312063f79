/**
 * Weights as safetensors: what downhill writes is checked by an independent reader written from
 * the format's definition (test/helpers/safetensors-reader.ts), files another tool writes are
 * read, and every corrupt file is refused with a UserError that names the problem.
 */
import { describe, expect, test } from 'vitest';
import { weightsFile } from '../../src/data/parameters';
import { syntheticData } from '../../src/data/regression-data';
import { UserError } from '../../src/errors';
import { encodeSafetensors } from '../../src/io/safetensors';
import { decodeWeights, encodeSafetensorsWeights, encodeWeights, readWeights } from '../../src/io/weights';
import { LINEAR_REGRESSION, SOFTMAX_CLASSIFIER, paramLayout } from '../../src/model';
import { Rng } from '../../src/rng';
import { randomFloats } from '../helpers/random';
import { readSafetensorsIndependently, writeSafetensorsIndependently } from '../helpers/safetensors-reader';

const layout = paramLayout(784);
const params = randomFloats(new Rng(5), layout.paddedCount, 1).fill(0, layout.count);
const config = { batchSize: 100, lr: 0.1, epochs: 5, seed: 1 };
const file = encodeSafetensorsWeights(params, SOFTMAX_CLASSIFIER, 784, undefined, config);

describe('the classifier as safetensors', () => {
  test('an independent reader finds torch.nn.Linear(784, 10)\'s weight and bias, in this order, and the config', () => {
    const read = readSafetensorsIndependently(file);
    expect((8 + read.headerBytes) % 8).toBe(0);
    expect(read.tensors.weight).toMatchObject({ dtype: 'F32', shape: [10, 784], begin: 0, end: 4 * 7840 });
    expect(read.tensors.bias).toMatchObject({ dtype: 'F32', shape: [10], begin: 4 * 7840, end: 4 * 7850 });
    // W is (classes, features) row-major: weight[c][j] is params[c * 784 + j]
    expect(read.tensors.weight!.values[3 * 784 + 100]).toBe(params[3 * 784 + 100]);
    expect(read.tensors.weight!.values).toEqual(Array.from(params.subarray(0, 7840)));
    expect(read.tensors.bias!.values).toEqual(Array.from(params.subarray(7840, 7850)));
    expect(read.metadata).toMatchObject({ format: 'downhill-weights', version: '1', model: 'softmax-classifier', features: '784' });
    expect(JSON.parse(read.metadata!.config!)).toEqual(config);
  });

  test('reads back as the same values as downhill\'s own file, from any byte offset', () => {
    const own = encodeWeights(params, SOFTMAX_CLASSIFIER, 784);
    expect(readWeights(file, 'w')).toEqual(readWeights(own, 'w'));
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), file]).subarray(3);
    expect(decodeWeights(shifted, 'w', SOFTMAX_CLASSIFIER, 784)).toEqual(params);
  });

  test('a file another tool wrote (no metadata, bias first, no padding) is a classifier of its shape', () => {
    const w = Array.from({ length: 10 * 8 }, (_, i) => i / 10);
    const b = Array.from({ length: 10 }, (_, i) => -i);
    const foreign = writeSafetensorsIndependently([['bias', [10], b], ['weight', [10, 8], w]]);
    const read = readWeights(foreign, 'torch.safetensors');
    expect(read.model).toBe(SOFTMAX_CLASSIFIER);
    expect(read.features).toBe(8);
    expect(Array.from(read.values)).toEqual(Array.from(Float32Array.from([...w, ...b])));
  });
});

describe('regression as safetensors', () => {
  test('its description (names, target, intercept) goes in the metadata and comes back', () => {
    const data = syntheticData(50, 3, 0.1, 2, { intercept: true });
    const p = Float32Array.from([0.5, -1, 2, 0.25]);
    const st = weightsFile(data, p, 'safetensors', { lr: 0.1 });
    const read = readSafetensorsIndependently(st);
    expect(read.tensors.weight!.shape).toEqual([1, 3]);
    expect(read.tensors.bias!.shape).toEqual([1]);
    expect(readWeights(st, 'r')).toEqual(readWeights(weightsFile(data, p), 'r'));
    expect(readWeights(st, 'r').description).toEqual({ units: 'data', names: ['x0', 'x1', 'x2'], target: 'y', intercept: true });
  });

  test('one output without downhill\'s description: decodable values, but no column names to predict with', () => {
    const foreign = writeSafetensorsIndependently([['weight', [1, 3], [1, 2, 3]], ['bias', [1], [4]]]);
    expect(Array.from(decodeWeights(foreign, 'r', LINEAR_REGRESSION, 3).subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(() => readWeights(foreign, 'r')).toThrow(/^r: has no regression description in its __metadata__/);
  });
});

describe('corrupt files are refused, naming the problem', () => {
  const w = Array.from({ length: 10 * 4 }, () => 0.5);
  const b = Array.from({ length: 10 }, () => 0);
  const good = writeSafetensorsIndependently([['weight', [10, 4], w], ['bias', [10], b]]);
  const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
  const withHeader = (header: unknown, data = good.subarray(8 + headerLength)) => {
    const text = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  };
  const entry = (shape: number[], begin: number, end: number, dtype = 'F32') => ({ dtype, shape, data_offsets: [begin, end] });
  const nan = good.slice();
  new DataView(nan.buffer).setFloat32(8 + headerLength + 12, NaN, true);
  test.each([
    { name: 'truncated data', bytes: good.subarray(0, good.length - 4), error: /tensor bias ends at byte 200 of the data; the file has 196 \(truncated\)/ },
    { name: 'extra bytes after the tensors', bytes: Uint8Array.from([...good, 0, 0, 0, 0]), error: /the data is 204 bytes; its tensors cover 200 \(truncated or padded\)/ },
    { name: 'a header length past the end', bytes: Uint8Array.from([255, 255, 0, 0, 0, 0, 0, 0, ...good.subarray(8)]), error: /corrupt safetensors header length 65535/ },
    { name: 'a header that is not JSON', bytes: Uint8Array.from([...good.subarray(0, 8), 0x7b, 0x7b, ...good.subarray(10)]), error: /corrupt safetensors header \(not valid JSON\)/ },
    { name: 'a float16 tensor', bytes: withHeader({ weight: entry([10, 4], 0, 160, 'F16'), bias: entry([10], 160, 200) }), error: /tensor weight has dtype F16; downhill reads F32 and F64 only/ },
    { name: 'offsets that do not fit the shape', bytes: withHeader({ weight: entry([10, 4], 0, 156), bias: entry([10], 156, 200) }), error: /tensor weight: data_offsets \[0, 156\] hold 156 bytes; shape \[10,4\] needs 160/ },
    { name: 'a hole between tensors', bytes: withHeader({ weight: entry([10, 3], 0, 120), bias: entry([10], 160, 200) }), error: /tensor bias starts at byte 160 of the data, not 120/ },
    { name: 'overlapping tensors', bytes: withHeader({ weight: entry([10, 4], 0, 160), bias: entry([10], 120, 160) }), error: /tensor weight starts at byte 0 of the data, not|starts at byte 120 of the data, not 160/ },
    { name: 'no bias', bytes: writeSafetensorsIndependently([['weight', [10, 4], w]]), error: /holds tensors weight; downhill's weights are 'weight' \(outputs, features\) and 'bias' \(outputs\)/ },
    { name: 'mismatched shapes', bytes: writeSafetensorsIndependently([['weight', [10, 4], w], ['bias', [5], b.slice(0, 5)]]), error: /weight has shape \[10,4\] and bias \[5\]/ },
    { name: 'three outputs', bytes: writeSafetensorsIndependently([['weight', [3, 4], w.slice(0, 12)], ['bias', [3], b.slice(0, 3)]]), error: /weight has 3 outputs; a softmax-classifier has 10/ },
    { name: 'metadata that is not strings', bytes: withHeader({ weight: entry([10, 4], 0, 160), bias: entry([10], 160, 200), __metadata__: { features: 4 } }), error: /corrupt __metadata__ \(not a JSON object of strings\)/ },
    { name: 'a value that is not finite', bytes: nan, error: /tensor weight's values include numbers that are not finite/ },
  ])('$name', ({ bytes, error }) => {
    expect(() => readWeights(bytes, 'm.safetensors')).toThrow(UserError);
    expect(() => readWeights(bytes, 'm.safetensors')).toThrow(error);
  });

  // what downhill writes for a regression of x0, x1 (y = 1·x0 + 2·x1 + 0.5), and that metadata changed one key at a time
  const described = { format: 'downhill-weights', version: '1', model: 'linear-regression', features: '2', units: 'data', names: '["x0","x1"]', target: 'y', intercept: 'true' };
  const regression = (metadata: Record<string, string>, bias = 0.5) => writeSafetensorsIndependently([['weight', [1, 2], [1, 2]], ['bias', [1], [bias]]], metadata);
  test('the metadata downhill writes is read', () => {
    expect(readWeights(regression(described), 'r').description).toEqual({ units: 'data', names: ['x0', 'x1'], target: 'y', intercept: true });
    expect(readWeights(regression({ ...described, intercept: 'false' }, 0), 'r').description!.intercept).toBe(false);
  });
  test.each([
    { name: 'another version', metadata: { ...described, version: '99' }, error: /unsupported __metadata__ \(format downhill-weights, version 99; this downhill reads downhill-weights version 1\)/ },
    { name: 'another format', metadata: { ...described, format: 'other' }, error: /unsupported __metadata__ \(format other, version 1;/ },
    { name: 'features that disagree with the shape', metadata: { ...described, features: '7' }, error: /corrupt __metadata__ \(features 7; weight has 2\)/ },
    { name: 'a feature named twice', metadata: { ...described, names: '["a","a"]' }, error: /corrupt header \(the feature 'a' is named twice\)/ },
    { name: 'the target among the features', metadata: { ...described, names: '["x0","y"]' }, error: /corrupt header \(the target 'y' is also a feature\)/ },
    { name: 'no intercept but a bias', metadata: { ...described, intercept: 'false' }, error: /corrupt header \(no intercept, but the bias is 0.5\)/ },
  ])('regression metadata: $name', ({ metadata, error }) => {
    expect(() => readWeights(regression(metadata), 'r.safetensors')).toThrow(UserError);
    expect(() => readWeights(regression(metadata), 'r.safetensors')).toThrow(error);
  });

  test('neither format: one line naming both', () => {
    expect(() => readWeights(new TextEncoder().encode('hello, not weights'), 'x')).toThrow(/^x: not a downhill weights file \(no DOWNHILL magic\) or a safetensors file \(no JSON header\)$/);
  });

  test('the writer refuses a shape that does not hold its values (a bug, not user input)', () => {
    expect(() => encodeSafetensors([['t', { shape: [2, 2], values: new Float32Array(3) }]], {})).toThrow(/shape \[2,2\] holds 4 values, given 3/);
  });
});
