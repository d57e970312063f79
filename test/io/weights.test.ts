import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import { decodeWeights, encodeWeights } from '../../src/io/weights';
import { SOFTMAX_CLASSIFIER, paramLayout } from '../../src/model';
import { Rng } from '../../src/rng';
import { randomFloats } from '../helpers/random';

const layout = paramLayout(784);
const params = randomFloats(new Rng(5), layout.paddedCount, 1).fill(0, layout.count);
const file = encodeWeights(params, SOFTMAX_CLASSIFIER, layout.features);

describe('weights file', () => {
  test('round-trips exactly, header first', () => {
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('DOWNHILL');
    expect(decodeWeights(file, 'w', SOFTMAX_CLASSIFIER, 784)).toEqual(params);
    // read from a Node Buffer at an odd offset, as readFileSync may return
    const shifted = Buffer.concat([Buffer.from([1]), file]).subarray(1);
    expect(decodeWeights(shifted, 'w', SOFTMAX_CLASSIFIER, 784)).toEqual(params);
  });

  const flip = (at: number) => {
    const copy = file.slice();
    copy[at]! ^= 0x10;
    return copy;
  };
  const headerLength = new DataView(file.buffer).getUint32(8, true);
  function withHeader(json: string): Uint8Array {
    const text = new TextEncoder().encode(json);
    const out = new Uint8Array(12 + text.length);
    out.set(file.subarray(0, 8));
    new DataView(out.buffer).setUint32(8, text.length, true);
    out.set(text, 12);
    return out;
  }
  test.each([
    { name: 'not a weights file', bytes: new TextEncoder().encode('hello world, not weights'), error: /w: not a downhill weights file/ },
    { name: 'empty', bytes: new Uint8Array(0), error: /not a downhill weights file/ },
    { name: 'huge header length', bytes: Uint8Array.from([...file.subarray(0, 8), 255, 255, 255, 127, ...file.subarray(12)]), error: /corrupt header length/ },
    { name: 'header not JSON', bytes: flip(12), error: /corrupt header \(not valid JSON\)/ },
    { name: 'header JSON null', bytes: withHeader('null'), error: /corrupt header \(not a JSON object\)/ },
    { name: 'header JSON array', bytes: withHeader('[1,2]'), error: /corrupt header \(not a JSON object\)/ },
    { name: 'truncated values', bytes: file.subarray(0, file.length - 4), error: /expected 31400 bytes .* found 31396/ },
    { name: 'a flipped bit in the values', bytes: flip(12 + headerLength + 100), error: /checksum mismatch/ },
    { name: 'the magic alone', bytes: file.subarray(0, 8), error: /^w: truncated: 8 bytes, shorter than the 12/ },
    {
      name: 'a header without its checksum',
      bytes: (() => {
        const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + headerLength))) as Record<string, unknown>;
        delete header.crc32;
        return Uint8Array.from([...withHeader(JSON.stringify(header)), ...file.subarray(12 + headerLength)]);
      })(),
      error: /^w: corrupt header \(no crc32 of the /,
    },
  ])('rejects $name', ({ bytes, error }) => {
    expect(() => decodeWeights(bytes, 'w', SOFTMAX_CLASSIFIER, 784)).toThrow(UserError);
    expect(() => decodeWeights(bytes, 'w', SOFTMAX_CLASSIFIER, 784)).toThrow(error);
  });

  test('rejects weights of another shape', () => {
    const small = encodeWeights(new Float32Array(paramLayout(8).paddedCount), SOFTMAX_CLASSIFIER, 8);
    expect(() => decodeWeights(small, 'w', SOFTMAX_CLASSIFIER, 784)).toThrow(/weights are for 10 outputs x 8 features \(90 values\); this data needs 10 x 784 \(7850\)/);
  });

  test('rejects non-finite values even with a valid checksum', () => {
    const bad = params.slice();
    bad[3] = NaN;
    expect(() => decodeWeights(encodeWeights(bad, SOFTMAX_CLASSIFIER, layout.features), 'w', SOFTMAX_CLASSIFIER, 784)).toThrow(/not finite/);
  });
});
