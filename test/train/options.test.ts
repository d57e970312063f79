/**
 * The shared option checks (src/train/options.ts) on text as the page and the sweep's lists
 * read it: the library's field names, the text typed shown as it was; the CLI's flags are its
 * own naming of the same checks (test/cli/bad-input.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import { batchSizeFromText, checkTrainOptions, lrFromText, resolveBatchSize, seedFromText, wholeNumberText } from '../../src/train/options';

const epochsFromText = (text: string) => checkTrainOptions({ epochs: wholeNumberText(text) });
const recordEveryFromText = (text: string) => checkTrainOptions({ recordEvery: wholeNumberText(text) });

describe('option values', () => {
  test('valid values', () => {
    expect(batchSizeFromText('1')).toBe(1);
    expect(batchSizeFromText('full')).toBe('full');
    expect(resolveBatchSize('full', 60000)).toBe(60000);
    expect(resolveBatchSize(60000, 60000)).toBe(60000);
    expect(lrFromText('1e-3')).toBe(0.001);
    expect(seedFromText('0')).toBe(0);
    expect(seedFromText('4294967295')).toBe(4294967295);
    expect(wholeNumberText(' +3 ')).toBe(3);
  });

  test.each([
    ...['0', '-1', '1.5', 'abc', '', '1e3', 'Full'].map((v) => ({ parse: batchSizeFromText, v, error: /^batchSize must be a whole number of at least 1, or 'full', got '/ })),
    ...['0', '-2', '2.5', 'x'].map((v) => ({ parse: epochsFromText, v, error: /^epochs must be a positive whole number/ })),
    ...['0', '-0.1', 'nan', 'NaN', 'Infinity', '', 'fast'].map((v) => ({ parse: lrFromText, v, error: /^lr must be a positive finite number, got '/ })),
    ...['-1', '1.5', '4294967296', 'seed'].map((v) => ({ parse: seedFromText, v, error: /^seed must be a whole number from 0 to 4294967295, got '/ })),
    ...['0', '-3'].map((v) => ({ parse: recordEveryFromText, v, error: /^recordEvery must be a positive whole number/ })),
  ])('$parse.name rejects "$v"', ({ parse, v, error }) => {
    expect(() => parse(v)).toThrow(UserError);
    expect(() => parse(v)).toThrow(error);
  });

  test('a batch larger than the training set', () => {
    expect(() => resolveBatchSize(60001, 60000)).toThrow(/^batchSize 60001 is larger than the 60000 training examples/);
  });
});
