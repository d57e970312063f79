/**
 * The library calls the second hostile run found mishandled (its items 1, 7-9, 29-35): each is
 * refused with a UserError of one line that names the argument or field, never a TypeError, a
 * plain Error, a hang or a silent acceptance. In-process, on the CPU engine and tiny data.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  SOFTMAX_CLASSIFIER, UserError, classificationData, datasetFromIdx, decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeWeights,
  loadCsv, loadMnist, loadOrigin, parseIdx,
} from '../../src/index';

/** A UserError of one line whose message matches `message` and names no --flag. */
function expectUserError(e: unknown, message: RegExp): void {
  expect(e).toBeInstanceOf(UserError);
  const text = (e as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toMatch(/--[a-z]/);
  expect(text.split('\n')).toHaveLength(1);
}

async function refusal(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

const csvFile = (): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'hostile3-')), 'ok.csv');
  writeFileSync(path, 'a,b,y\n1,2,3\n2,3,5\n3,5,8\n4,1,5\n');
  return path;
};

const anyArg = (v: unknown) => v as never;

describe('every exported function refuses arguments of the wrong type, naming the argument (items 29, 30, 33)', () => {
  test.each([
    { call: "classificationData(null, null, { kind: 'arrays' }, 'x')", run: () => classificationData(anyArg(null), null, { kind: 'arrays' }, 'x'), message: /^train must be a Dataset .*got null$/ },
    { call: 'classificationData(train, 5, …)', run: () => classificationData(anyArg({}), anyArg(5), { kind: 'arrays' }, 'x'), message: /^test must be a Dataset .*got 5$/ },
    { call: "loadCsv('ok.csv', null, 1)", run: () => loadCsv(csvFile(), anyArg(null), 1), message: /^target must be .*got null$/ },
    { call: "loadCsv(null, 'y', 1)", run: () => loadCsv(anyArg(null), 'y', 1), message: /^path must be .*got null$/ },
    { call: "loadOrigin({ kind: 'arrays' }, 1)", run: () => loadOrigin({ kind: 'arrays' }, 1), message: /^origin\.kind 'arrays': data handed in as arrays cannot be loaded again/ },
    { call: "loadOrigin({ kind: 'foo' }, 1)", run: () => loadOrigin(anyArg({ kind: 'foo' }), 1), message: /^origin\.kind must be one of mnist, csv, synthetic, arrays, got 'foo'$/ },
    { call: 'loadOrigin(null, 1)', run: () => loadOrigin(anyArg(null), 1), message: /^origin must be a data origin .*got null$/ },
    { call: 'loadMnist(5)', run: () => loadMnist(anyArg(5)), message: /^dir must be a folder path .*got 5$/ },
    { call: 'loadMnist(null)', run: () => loadMnist(anyArg(null)), message: /^dir must be a folder path .*got null$/ },
    { call: 'decodeCheckpoint(null)', run: () => decodeCheckpoint(anyArg(null)), message: /^bytes must be a checkpoint's bytes as a Uint8Array .*got null$/ },
    { call: 'decodeSafetensors(null)', run: () => decodeSafetensors(anyArg(null)), message: /^bytes must be a safetensors file's bytes as a Uint8Array .*got null$/ },
    { call: 'encodeCheckpoint(null)', run: () => encodeCheckpoint(anyArg(null)), message: /^checkpoint must be a checkpoint \{ run, state, params, optimizerState \}.*got null$/ },
    { call: 'encodeCheckpoint({})', run: () => encodeCheckpoint(anyArg({})), message: /^checkpoint must be a checkpoint .*got Object$/ },
    { call: 'encodeWeights(null)', run: () => encodeWeights(anyArg(null), SOFTMAX_CLASSIFIER, 784), message: /^params must be a Float32Array or Float64Array, got null$/ },
    { call: 'encodeWeights({})', run: () => encodeWeights(anyArg({}), anyArg(undefined), anyArg(undefined)), message: /^params must be a Float32Array or Float64Array, got Object$/ },
    { call: 'encodeWeights(params, {})', run: () => encodeWeights(new Float32Array(7850), anyArg({}), 784), message: /^model must be SOFTMAX_CLASSIFIER or LINEAR_REGRESSION/ },
    { call: 'encodeWeights(params, model, 7)', run: () => encodeWeights(new Float32Array(7850), SOFTMAX_CLASSIFIER, 7), message: /^features must be a whole number .*multiple of 4, got 7$/ },
    { call: 'encodeWeights(too few values)', run: () => encodeWeights(new Float32Array(5), SOFTMAX_CLASSIFIER, 784), message: /^params holds 5 values; a softmax-classifier of 784 features has 7850$/ },
    { call: 'parseIdx(null)', run: () => parseIdx(anyArg(null)), message: /^bytes must be an IDX file's bytes as a Uint8Array .*got null$/ },
    { call: 'parseIdx(4 bytes), no name', run: () => parseIdx(new Uint8Array(2)), message: /^IDX bytes: not an IDX file/ },
    { call: 'datasetFromIdx(null, null)', run: () => datasetFromIdx(anyArg(null), anyArg(null), anyArg(undefined), anyArg(undefined)), message: /^imageBytes must be .*got null$/ },
  ])('$call', async ({ run, message }) => {
    expectUserError(await refusal(run), message);
  });

  test('decodeCheckpoint of a weights file, given no name, says what it was given (not "undefined")', async () => {
    const weights = encodeWeights(new Float32Array(7852), SOFTMAX_CLASSIFIER, 784);
    expectUserError(await refusal(() => decodeCheckpoint(weights)), /^checkpoint bytes: is a weights file/);
  });
});
