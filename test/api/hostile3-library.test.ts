/**
 * The library calls the second hostile run found mishandled (its items 1, 7-9, 29-35): each is
 * refused with a UserError of one line that names the argument or field, never a TypeError, a
 * plain Error, a hang or a silent acceptance. In-process, on the CPU engine and tiny data.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkInitWithResume } from '../../src/api/fit';
import { modelLimit } from '../../src/api/options';
import { cliNaming } from '../../src/command/args';
import {
  type Checkpoint, type ClassificationData, type Engine, SOFTMAX_CLASSIFIER, classificationData, createEngine, datasetFromIdx, decodeCheckpoint, decodeSafetensors,
  encodeCheckpoint, encodeWeights, evaluate, fit, loadCsv, loadMnist, loadOrigin, openEngine, parseIdx, regressionOptions, syntheticData,
} from '../../src/index';
import { expectFieldError, refusal } from '../helpers/refusal';

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
    { call: 'encodeWeights(too few values)', run: () => encodeWeights(new Float32Array(5), SOFTMAX_CLASSIFIER, 784), message: /^params holds 5 values; a softmax-classifier of 784 features has 7850 \(or 7852, padded\)$/ },
    { call: 'parseIdx(null)', run: () => parseIdx(anyArg(null)), message: /^bytes must be an IDX file's bytes as a Uint8Array .*got null$/ },
    { call: 'parseIdx(4 bytes), no name', run: () => parseIdx(new Uint8Array(2)), message: /^IDX bytes: not an IDX file/ },
    { call: 'datasetFromIdx(null, null)', run: () => datasetFromIdx(anyArg(null), anyArg(null), anyArg(undefined), anyArg(undefined)), message: /^imageBytes must be .*got null$/ },
  ])('$call', async ({ run, message }) => {
    expectFieldError(await refusal(run), message);
  });

  test('decodeCheckpoint of a weights file, given no name, says what it was given (not "undefined")', async () => {
    const weights = encodeWeights(new Float32Array(7852), SOFTMAX_CLASSIFIER, 784);
    expectFieldError(await refusal(() => decodeCheckpoint(weights)), /^checkpoint bytes: is a weights file/);
  });
});

const N = 40;
const F = 784;
const dataset = () => ({ images: Uint8Array.from({ length: N * F }, (_, i) => (i * 7) % 256), labels: Uint8Array.from({ length: N }, (_, i) => i % 10), count: N, features: F });
const tiny = () => classificationData(dataset(), dataset(), { kind: 'arrays' }, 'arrays');

/** A CPU engine on tiny data, a momentum run's first checkpoint (after update 2 of 4) and its result, for `body`. */
async function withRun(body: (engine: Engine, data: ClassificationData, saved: Checkpoint, params: Float32Array) => Promise<void>): Promise<void> {
  const data = tiny();
  const engine = await createEngine(data, 'cpu');
  try {
    let saved: Checkpoint | undefined;
    const result = await fit(engine, data, { epochs: 1, batchSize: 10, lr: 0.01, optimizer: { kind: 'momentum' }, checkpoint: { everySteps: 2, write: (c) => void (saved ??= c) } });
    await body(engine, data, saved!, result.params);
  } finally {
    await engine.destroy();
  }
}

describe('one check of a parameter vector for evaluate, fit init and a resumed checkpoint (items 7, 8, 35)', () => {
  test('the same types and lengths are accepted everywhere: the model\'s 7850 or the padded 7852, Float32Array, Float64Array or an array', async () => {
    await withRun(async (engine, data, _saved, params) => {
      expect(params).toHaveLength(7852);
      for (const p of [params, params.slice(0, 7850), Float64Array.from(params.subarray(0, 7850)), Array.from(params)]) {
        await evaluate(engine, p);
        await fit(engine, data, { epochs: 1, batchSize: 10, lr: 0.01, init: p, test: false });
      }
    });
  });

  test.each([
    { name: 'evaluate: NaN params', run: (e: Engine) => evaluate(e, new Float32Array(7850).fill(Number.NaN)), message: /^params\[0\] is NaN, not a finite number$/ },
    { name: 'evaluate: an infinity', run: (e: Engine) => evaluate(e, new Float32Array(7852).fill(Number.POSITIVE_INFINITY, 3)), message: /^params\[3\] is Infinity, not a finite number$/ },
    { name: 'evaluate: beyond float32', run: (e: Engine) => evaluate(e, new Float64Array(7850).fill(1e39)), message: /^params\[0\] is 1e\+39, beyond float32's range/ },
    { name: 'evaluate: 7851 values', run: (e: Engine) => evaluate(e, new Float32Array(7851)), message: /^params: holds 7851 values; this data needs 7850 \(W, then b\) or 7852 \(padded/ },
    { name: 'fit: init of 7851 values', run: (e: Engine, d: ClassificationData) => fit(e, d, { init: new Float32Array(7851) }), message: /^init: holds 7851 values; this data needs 7850 \(W, then b\) or 7852/ },
    { name: 'fit: NaN init', run: (e: Engine, d: ClassificationData) => fit(e, d, { init: new Float64Array(7850).fill(Number.NaN) }), message: /^init\[0\] is NaN, not a finite number$/ },
    { name: 'fit: init as text', run: (e: Engine, d: ClassificationData) => fit(e, d, { init: anyArg('zeros') }), message: /^init must be an array, Float32Array or Float64Array of numbers, got 'zeros'$/ },
    {
      name: 'resume: params of 5 values', run: (e: Engine, d: ClassificationData, c: Checkpoint) => fit(e, d, { resume: { checkpoint: { ...c, params: new Float32Array(5) }, name: 'x' } }),
      message: /^resume\.checkpoint\.params: holds 5 values; this data needs 7850 \(W, then b\) or 7852/,
    },
    {
      name: 'resume: NaN params', run: (e: Engine, d: ClassificationData, c: Checkpoint) => fit(e, d, { resume: { checkpoint: { ...c, params: new Float32Array(7852).fill(Number.NaN) }, name: 'x' } }),
      message: /^resume\.checkpoint\.params\[0\] is NaN, not a finite number$/,
    },
    {
      name: 'resume: an optimiser state of the wrong length', run: (e: Engine, d: ClassificationData, c: Checkpoint) => fit(e, d, { resume: { checkpoint: { ...c, optimizerState: [new Float32Array(5)] }, name: 'x' } }),
      message: /^resume\.checkpoint\.optimizerState\[0\]: holds 5 values/,
    },
  ])('$name', async ({ run, message }) => {
    await withRun(async (engine, data, saved) => expectFieldError(await refusal(() => run(engine, data, saved)), message));
  });
});

describe('a checkpoint edited into an impossible one is refused, naming the field; init with resume is refused (items 8, 9)', () => {
  const edited = (c: Checkpoint, state: Record<string, unknown>) => ({ ...c, state: { ...c.state, ...state } });
  test.each([
    { name: 'a negative epoch', edit: (c: Checkpoint) => edited(c, { epoch: -3 }), message: /^resume\.checkpoint: corrupt training state: state\.epoch must be a whole number of at least 0, got -3$/ },
    { name: 'a fractional update', edit: (c: Checkpoint) => edited(c, { stepInEpoch: 1.5 }), message: /^resume\.checkpoint: corrupt training state: state\.stepInEpoch must be a whole number of at least 0, got 1\.5$/ },
    { name: 'a negative step count', edit: (c: Checkpoint) => edited(c, { steps: -1 }), message: /^resume\.checkpoint: corrupt training state: state\.steps must be a whole number/ },
    { name: 'a position beyond the run', edit: (c: Checkpoint) => edited(c, { epoch: 7 }), message: /^resume\.checkpoint: corrupt training state: update 2 of epoch 8 is outside a run of 1 epochs of 4 updates$/ },
    { name: 'an update beyond the epoch', edit: (c: Checkpoint) => edited(c, { stepInEpoch: 4 }), message: /^resume\.checkpoint: corrupt training state: update 4 of epoch 1 is outside a run/ },
    { name: 'a step count that disagrees with the position', edit: (c: Checkpoint) => edited(c, { steps: 3 }), message: /^resume\.checkpoint: corrupt training state: state\.steps is 3, but update 2 of epoch 1 \(of 4 updates\) is update 2$/ },
    { name: 'a key it does not have', edit: (c: Checkpoint) => ({ ...c, position: { epoch: -3 } }), message: /^resume\.checkpoint\.position is not an option of resume\.checkpoint/ },
    { name: 'too many optimiser arrays', edit: (c: Checkpoint) => ({ ...c, optimizerState: [...c.optimizerState, c.params] }), message: /^resume\.checkpoint\.optimizerState holds 2 arrays; momentum keeps 1 \(v\)$/ },
    { name: 'a run of the wrong types', edit: (c: Checkpoint) => ({ ...c, run: { ...c.run, batchSize: '10' } }), message: /^resume\.checkpoint\.run must be a run description/ },
  ])('$name', async ({ edit, message }) => {
    await withRun(async (engine, data, saved) => {
      expect(saved.state).toMatchObject({ epoch: 0, stepInEpoch: 2, steps: 2 });
      expectFieldError(await refusal(() => fit(engine, data, { epochs: 2, resume: { checkpoint: edit(saved) as never, name: 'x' } })), message);
    });
  });

  test('init with resume is refused (the CLI refuses --init with --resume through the same check)', async () => {
    await withRun(async (engine, data, saved) => {
      expectFieldError(await refusal(() => fit(engine, data, { epochs: 2, init: new Float32Array(7850), resume: { checkpoint: saved, name: 'x' } })), /^init does not apply to resume \(the run goes on from the checkpoint's parameters\)$/);
    });
    expect(() => checkInitWithResume(true, true, cliNaming(() => undefined))).toThrow(/^--init does not apply to --resume \(the run goes on from the checkpoint's parameters\)$/);
  });
});

describe('options of the wrong shape, unknown keys and impossible recordings are refused (items 31, 32, 34)', () => {
  test.each([
    { name: 'optimizer: []', options: { optimizer: anyArg([]) }, message: /^optimizer must be an object \{ kind, momentum, beta1, beta2, epsilon \}, got \[\]$/ },
    { name: 'schedule: []', options: { schedule: anyArg([]) }, message: /^schedule must be an object .*got \[\]$/ },
    { name: 'recordSteps with a duplicate', options: { recordSteps: [20, 5, 5] }, message: /^recordSteps lists 5 twice$/ },
    { name: 'recordSteps beyond the run', options: { recordSteps: [1, 1e9] }, message: /^recordSteps asks for update 1000000000, beyond the run's 4 updates$/ },
  ])('fit: $name', async ({ options, message }) => {
    await withRun(async (engine, data) => expectFieldError(await refusal(() => fit(engine, data, { epochs: 1, batchSize: 10, lr: 0.01, ...options })), message));
  });

  test('recordSteps up to the run\'s last update are recorded', async () => {
    await withRun(async (engine, data) => {
      const r = await fit(engine, data, { epochs: 1, batchSize: 10, lr: 0.01, recordSteps: [1, 4], recordEvery: 100, test: false });
      expect(r.history.map((h) => h.step)).toEqual([0, 1, 4]);
    });
  });

  test.each([
    { call: 'syntheticData(10, 2, 0.5, 1, { foo: 1 })', run: () => syntheticData(10, 2, 0.5, 1, anyArg({ foo: 1 })), message: /^foo is not an option; known: testFraction, standardize, loss, intercept$/ },
    { call: 'regressionOptions({ standardise: true })', run: () => regressionOptions(anyArg({ standardise: true })), message: /^standardise is not an option \(did you mean standardize\?\)/ },
    { call: 'regressionOptions([])', run: () => regressionOptions(anyArg([])), message: /^options must be an object of regression options, got \[\]$/ },
  ])('$call', async ({ run, message }) => {
    expectFieldError(await refusal(run), message);
  });
});

describe('models has an upper bound, from what the buffers hold, refused before anything is allocated (item 1)', () => {
  test.each([
    { name: "openEngine(data, { backend: 'cpu', models: 1e9 })", run: () => openEngine(tiny(), { backend: 'cpu', models: 1e9 }), message: /^models must be at most 22,714 for this data \(each needs 94,544 bytes of parameters, optimiser state and losses; the CPU engine holds at most 2,147,483,648\), got 1000000000$/ },
    { name: "createEngine(data, 'cpu', { models: 100000 })", run: () => createEngine(tiny(), 'cpu', { models: 100000 }), message: /^models must be at most 22,714 for this data .*got 100000$/ },
    {
      name: 'createEngine on a device whose buffers hold 1 MiB',
      run: () => createEngine(tiny(), anyArg({ limits: { maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 2 ** 30 }, destroy: async () => {} }), { models: 40 }),
      message: /^models must be at most 33 for this data \(each adds 31,488 bytes \(its parameters\) to a stacked buffer; this device's buffers hold at most 1,048,576\), got 40$/,
    },
  ])('$name', async ({ run, message }) => {
    expectFieldError(await refusal(run), message);
  });

  test('as many as the limit are accepted', async () => {
    const data = tiny();
    expect(modelLimit(data, 'cpu').most).toBe(22714);
    const engine = await createEngine(data, 'cpu', { models: 3 });
    await engine.destroy();
  });
});
