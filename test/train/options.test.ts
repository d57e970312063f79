import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import {
  parseBatchSize, parseEpochs, parseLearningRate, parseRecordEvery, parseSeed, resolveBatchSize,
} from '../../src/train/options';

describe('option values', () => {
  test('valid values', () => {
    expect(parseBatchSize('1')).toBe(1);
    expect(parseBatchSize('full')).toBe('full');
    expect(resolveBatchSize('full', 60000)).toBe(60000);
    expect(resolveBatchSize(60000, 60000)).toBe(60000);
    expect(parseEpochs('3')).toBe(3);
    expect(parseLearningRate('1e-3')).toBe(0.001);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
    expect(parseRecordEvery('10')).toBe(10);
  });

  test.each([
    ...['0', '-1', '1.5', 'abc', '', '1e3', 'Full'].map((v) => ({ parse: parseBatchSize, v, error: /--batch-size must be a whole number of at least 1, or 'full'/ })),
    ...['0', '-2', '2.5', 'x'].map((v) => ({ parse: parseEpochs, v, error: /--epochs must be a positive whole number/ })),
    ...['0', '-0.1', 'nan', 'NaN', 'Infinity', '', 'fast'].map((v) => ({ parse: parseLearningRate, v, error: /--lr must be a positive finite number/ })),
    ...['-1', '1.5', '4294967296', 'seed'].map((v) => ({ parse: parseSeed, v, error: /--seed must be a whole number from 0 to 4294967295/ })),
    ...['0', '-3'].map((v) => ({ parse: parseRecordEvery, v, error: /--record-every must be a positive whole number/ })),
  ])('$parse.name rejects "$v"', ({ parse, v, error }) => {
    expect(() => parse(v)).toThrow(UserError);
    expect(() => parse(v)).toThrow(error);
  });

  test('a batch larger than the training set', () => {
    expect(() => resolveBatchSize(60001, 60000)).toThrow(/--batch-size 60001 is larger than the 60000 training examples/);
  });
});
