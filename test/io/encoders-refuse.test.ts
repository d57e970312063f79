import { describe, expect, test } from 'vitest';
import { encodeSafetensors, encodeSafetensorsWeights, encodeWeights, LINEAR_REGRESSION, SOFTMAX_CLASSIFIER, UserError, type Tensor } from '../../src/index';

const ok = (n: number): Tensor => ({ shape: [n], values: new Float32Array(n).fill(1) });
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

// each of these once encoded without an error, into bytes its own decoder refuses (or misreads)
describe('the encoders refuse what their decoders would refuse, when encoding', () => {
  test.each([
    { name: 'two tensors of one name', encode: () => encodeSafetensors([['w', ok(1)], ['w', ok(2)]], {}), error: /tensors\[1\]\[0\] must be a tensor name/ },
    { name: "a tensor named '__metadata__'", encode: () => encodeSafetensors([['__metadata__', ok(1)]], {}), error: /tensors\[0\]\[0\]/ },
    { name: 'metadata that is not strings', encode: () => encodeSafetensors([['w', ok(1)]], { a: 1 } as never), error: /^metadata must be an object whose values are strings/ },
    { name: 'a negative shape', encode: () => encodeSafetensors([['w', { shape: [-1, -1], values: new Float32Array(1) }]], {}), error: /tensor w: shape must be a list of whole numbers/ },
    { name: 'NaN values', encode: () => encodeSafetensors([['w', { shape: [1], values: new Float32Array([NaN]) }]], {}), error: /tensor w: the values include numbers that are not finite/ },
    { name: 'Int32Array values', encode: () => encodeSafetensors([['w', { shape: [2], values: new Int32Array([1, 2]) as never }]], {}), error: /tensor w: values must be a Float32Array or Float64Array, got Int32Array/ },
    { name: 'Uint8Array values', encode: () => encodeSafetensors([['w', { shape: [2], values: new Uint8Array(2) as never }]], {}), error: /values must be a Float32Array or Float64Array/ },
    { name: 'a plain array of values', encode: () => encodeSafetensors([['w', { shape: [2], values: [1, 2] as never }]], {}), error: /values must be a Float32Array or Float64Array, got \[1,2\]/ },
    { name: 'a shape that does not hold its values', encode: () => encodeSafetensors([['w', { shape: [2], values: new Float32Array(3) }]], {}), error: /shape \[2\] holds 2 values, given 3/ },
    { name: 'tensors null', encode: () => encodeSafetensors(null as never, null as never), error: /^tensors must be a list/ },
    { name: 'weights of another feature count', encode: () => encodeWeights(new Float32Array(7850).fill(1), SOFTMAX_CLASSIFIER, 100), error: /params holds 7850 values; a softmax-classifier of 100 features has 1010/ },
    { name: 'NaN weights', encode: () => encodeWeights(new Float32Array(7850).fill(NaN), SOFTMAX_CLASSIFIER, 784), error: /params: the values include numbers that are not finite/ },
    { name: 'infinite safetensors weights', encode: () => encodeSafetensorsWeights(new Float64Array(5).fill(Infinity), LINEAR_REGRESSION, 4, undefined, {}), error: /not finite/ },
    { name: 'a circular config', encode: () => encodeSafetensorsWeights(new Float32Array(7850), SOFTMAX_CLASSIFIER, 784, undefined, cyclic), error: /^config must be a value JSON can hold/ },
  ])('$name', ({ encode, error }) => {
    expect(encode).toThrow(UserError);
    expect(encode).toThrow(error);
  });

  test('what they accept still encodes: the model count, or padded', () => {
    expect(encodeWeights(new Float32Array(7850), SOFTMAX_CLASSIFIER, 784).length).toBeGreaterThan(7850 * 4);
    expect(encodeWeights(new Float32Array(7852), SOFTMAX_CLASSIFIER, 784).length).toBeGreaterThan(7850 * 4);
    expect(encodeSafetensors([['w', { shape: [2], values: new Float64Array([1, 2]) }]], { a: 'b' }).length).toBeGreaterThan(16);
  });
});
