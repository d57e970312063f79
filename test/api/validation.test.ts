/**
 * The library's door, as a program meets it: every invalid dataset, option and engine use is
 * refused with a typed error (UserError) whose one line names the field and never a CLI flag;
 * the CLI names the same refusals by its flags (test/cli/bad-input.test.ts). Engines: a second
 * fit while one runs, data that is not the engine's, a destroyed engine, on both engines.
 */
import { describe, expect, test } from 'vitest';
import {
  type Engine, type FitOptions, type TrainingData, TrainingStopped,
  classificationData, createEngine, evaluate, fit, loadCsv, openEngine, readWeights, regressionData, regressionFromRows, syntheticData,
} from '../../src/index';
import { testGpu } from '../helpers/gpu';
import type { VariantChoice } from '../../src/backend/variants';
import { expectFieldError, refusal } from '../helpers/refusal';

const N = 40;
const F = 784;
const labels = () => Uint8Array.from({ length: N }, (_, i) => i % 10);
const images = () => Uint8Array.from({ length: N * F }, (_, i) => (i * 7) % 256);
const dataset = (o: Record<string, unknown> = {}) => ({ images: images(), labels: labels(), count: N, features: F, ...o }) as never;
const classifier = (train: never = dataset(), test: never | null = null) => classificationData(train, test, { kind: 'arrays' }, 'arrays');
const regression = () => syntheticData(60, 3, 0.1, 1);

async function onCpu(data: TrainingData, options: FitOptions): Promise<unknown> {
  const engine = await createEngine(data, 'cpu');
  try {
    return await fit(engine, data, options);
  } finally {
    await engine.destroy();
  }
}

describe('invalid data is refused at the door, naming the field', () => {
  test.each([
    { name: 'a label of 10 or more', data: () => classifier(dataset({ labels: labels().fill(12) })), field: /^train\.labels\[0\] is 12, outside the 10 classes 0\.\.9$/ },
    { name: 'fractional labels', data: () => classifier(dataset({ labels: Float32Array.from(labels(), (y) => y + 0.5) })), field: /^train\.labels must be a Uint8Array .*got Float32Array$/ },
    { name: 'Float32Array images', data: () => classifier(dataset({ images: new Float32Array(N * F).fill(0.5) })), field: /^train\.images must be a Uint8Array .*got Float32Array$/ },
    { name: 'Float64Array images', data: () => classifier(dataset({ images: new Float64Array(N * F) })), field: /^train\.images must be a Uint8Array .*got Float64Array$/ },
    { name: 'plain arrays', data: () => classifier(dataset({ images: Array.from(images()), labels: Array.from(labels()) })), field: /^train\.images must be a Uint8Array .*got Array$/ },
    { name: 'a count larger than the arrays', data: () => classifier(dataset({ count: 400 })), field: /^train\.images holds 31360 bytes; train\.count × train\.features is 400 × 784/ },
    { name: 'labels fewer than the count', data: () => classifier(dataset({ labels: labels().subarray(1) })), field: /^train\.labels holds 39 labels; train\.count is 40$/ },
    { name: '0 rows', data: () => classifier(dataset({ images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 })), field: /^train\.count must be a whole number of at least 1, got 0$/ },
    { name: 'features not a multiple of 4', data: () => classifier(dataset({ images: new Uint8Array(N * 5), features: 5 })), field: /^train\.features must be a multiple of 4 .*got 5$/ },
    { name: 'a test set of other features', data: () => classifier(dataset(), dataset({ images: new Uint8Array(N * 4), features: 4 })), field: /^test\.features is 4; train\.features is 784/ },
    { name: 'regression names of the wrong length', data: () => { const d = regression(); return regressionData(d.split, d.origin, d.source, ['a'], d.target); }, field: /^names must be 3 strings, one per feature, got 1$/ },
    { name: 'regression rows that are not finite', data: () => { const d = regression(); d.split.train.targets[5] = Number.NaN; return d; }, field: /^split\.train\.targets\[5\] is NaN, not a finite number$/ },
    { name: 'NaN noise', data: () => syntheticData(60, 3, Number.NaN, 1), field: /^noise must be a finite number of at least 0, got NaN$/ },
    { name: "loss 'l1'", data: () => syntheticData(60, 3, 0.1, 1, { loss: 'l1' as never }), field: /^loss must be one of half-mse, mse, got 'l1'$/ },
    { name: 'a test fraction of 1', data: () => syntheticData(60, 3, 0.1, 1, { testFraction: 1 }), field: /^testFraction must be a number from 0 .*got 1$/ },
    { name: 'one synthetic row', data: () => syntheticData(1, 3, 0.1, 1), field: /^rows must be a whole number of at least 2, got 1$/ },
  ])('$name', async ({ data, field }) => {
    expectFieldError(await refusal(async () => {
      const d = data();
      await createEngine(d, 'cpu');
    }), field);
  });

  test('refused before a device is opened: openEngine with bad data opens nothing', async () => {
    const d = classifier(dataset({ labels: labels().fill(10) }));
    expectFieldError(await refusal(() => openEngine(d, { backend: 'webgpu', adapter: 'swiftshader' })), /^train\.labels\[0\] is 10/);
  });
});

describe('invalid options are refused, naming the field (the checks the CLI runs on its flags)', () => {
  const data = regression();
  test.each([
    { options: { batchSize: 0 }, field: /^batchSize must be a whole number of at least 1, or 'full', got 0$/ },
    { options: { batchSize: 61 }, field: /^batchSize 61 is larger than the 48 training examples/ },
    { options: { epochs: -1 }, field: /^epochs must be a positive whole number, got -1$/ },
    { options: { lr: Number.NaN }, field: /^lr must be a positive finite number, got NaN$/ },
    { options: { lr: 1e300 }, field: /^lr must be a positive number float32 can hold .*got 1e\+300$/ },
    { options: { seed: 2 ** 32 }, field: /^seed must be a whole number from 0 to 4294967295, got 4294967296$/ },
    { options: { optimizer: { kind: 'lbfgs' as never } }, field: /^optimizer\.kind must be one of sgd, momentum, nesterov, adam, rmsprop, got 'lbfgs'$/ },
    { options: { optimizer: { kind: 'momentum', momentum: 1 } }, field: /^optimizer\.momentum must be a number between 0 and 1 \(exclusive\) that float32 holds as such \(1\.18e-38 to 0\.99999994\), got 1$/ },
    { options: { optimizer: { kind: 'sgd', momentum: 0.5 } }, field: /^optimizer\.momentum applies to optimizer\.kind momentum or nesterov only$/ },
    { options: { optimizer: { kind: 'momentum', beta1: 0.5 } }, field: /^optimizer\.beta1 applies to optimizer\.kind adam only$/ },
    { options: { optimizer: { kind: 'adam', epsilon: 1e-50 } }, field: /^optimizer\.epsilon must be a positive number float32 can hold/ },
    { options: { optimizer: { kind: 'adam', epsilon: 3e38 } }, field: /^optimizer\.epsilon must be a positive number float32 can hold, at most 1 \(1\.18e-38 to 1: it only keeps a step from dividing by zero; .*\), got 3e\+38$/ },
    { options: { optimizer: { kind: 'momentum', momentum: 1e-300 } }, field: /^optimizer\.momentum must be a number between 0 and 1 \(exclusive\) that float32 holds as such .*got 1e-300$/ },
    { options: { optimizer: { kind: 'adam', beta2: 0.99999999 } }, field: /^optimizer\.beta2 must be a number between 0 and 1 \(exclusive\) that float32 holds as such .*got 0\.99999999$/ },
    { options: { schedule: { kind: 'cosine', factor: 0.1 } }, field: /^schedule\.factor applies to schedule\.kind step only$/ },
    { options: { schedule: { kind: 'step', every: 0 } }, field: /^schedule\.every must be a positive whole number, got 0$/ },
    { options: { schedule: { warmup: 0.5 } }, field: /^schedule\.warmup must be a whole number of updates \(0 for none\), got 0\.5$/ },
    { options: { checkpoint: { everySteps: 0, write: () => {} } }, field: /^checkpoint\.everySteps must be a positive whole number of updates, got 0$/ },
    { options: { checkpoint: { everyMs: -1, write: () => {} } }, field: /^checkpoint\.everyMs must be a positive number of milliseconds, got -1$/ },
    { options: { checkpoint: { everySteps: 5 } }, field: /^checkpoint\.write must be a function that takes the checkpoint, got null$/ },
    { options: { recordSteps: [-1, 0.5] }, field: /^recordSteps must be a list of whole numbers of updates, got \[-1,0\.5\]$/ },
    { options: { recordEvery: 0 }, field: /^recordEvery must be a positive whole number, got 0$/ },
    { options: { budgetMs: 0 }, field: /^budgetMs must be a positive number of milliseconds, got 0$/ },
    { options: { test: 'yes' as never }, field: /^test must be true or false, got 'yes'$/ },
    { options: { init: [1, Number.NaN, 3] }, field: /^init\[1\] is NaN, not a finite number$/ },
    // a typo is refused, not ignored, with the key it nearly spells
    { options: { epochs: 1, batchsize: 10 }, field: /^batchsize is not an option \(did you mean batchSize\?\); known: batchSize, epochs/ },
    { options: { optimizer: { kind: 'adam', beta: 0.5 } }, field: /^optimizer\.beta is not an option of optimizer \(did you mean beta1\?\)/ },
    { options: { schedule: { kind: 'step', every: 1, decay: 0.5 } }, field: /^schedule\.decay is not an option of schedule; known: kind, every, factor, warmup$/ },
    { options: { checkpoint: { everyStep: 5, write: () => {} } }, field: /^checkpoint\.everyStep is not an option of checkpoint \(did you mean everySteps\?\)/ },
    // null is not "the default": only undefined is
    { options: { optimizer: null }, field: /^optimizer must be an object \{ kind, momentum, beta1, beta2, epsilon \}, got null$/ },
    { options: { schedule: null }, field: /^schedule must be an object \{ kind, every, factor, warmup \}, got null$/ },
    { options: { checkpoint: null }, field: /^checkpoint must be an object \{ everySteps, everyMs, write \}, got null$/ },
    { options: { resume: null }, field: /^resume must be an object \{ checkpoint, name \}, got null$/ },
    { options: { epochs: 3, resume: { checkpoint: {}, name: 'x' } }, field: /^resume\.checkpoint must be a checkpoint \{ run, state, params, optimizerState \} \(decodeCheckpoint's result, .*got Object$/ },
    // a schedule the run is too short for (48 training rows: 5 updates per epoch at batch 10)
    { options: { epochs: 1, batchSize: 10, lr: 0.1, schedule: { kind: 'cosine', warmup: 5 } }, field: /^schedule\.warmup 5 is not shorter than the run's 5 updates \(1 epoch of 5 at batch 10\): the rate would never reach its base; give fewer updates of warm-up or more epochs$/ },
    { options: { epochs: 2, lr: 0.1, schedule: { kind: 'step', every: 2 } }, field: /^schedule\.every 2 is not shorter than the run's 2 epochs: the rate would never decay; decay more often or give more epochs$/ },
    { options: { init: [1e300, 1e300, 1e300, 1e300], lr: 1e-6 }, field: /^init\[0\] is [0-9.e+]+ as the engine stores it \(on standardised columns\), beyond float32's range/ },
    // a loss float64 holds but float32 does not (its squared errors overflow at update 1): the init's doing, whatever the rate
    { options: { init: [1e20, 1e20, 1e20, 0], lr: 1e-30 }, field: /^init: the initial parameters give a training-set loss that is not finite in float32, before any update/ },
  ] as Array<{ options: FitOptions; field: RegExp }>)('$options', async ({ options, field }) => {
    expectFieldError(await refusal(() => onCpu(data, options)), field);
  });

  test('a whole Optimizer or Schedule object (a result\'s config) is accepted: only what the kind reads is checked', async () => {
    const first = (await onCpu(data, { epochs: 1, lr: 0.1 })) as Awaited<ReturnType<typeof fit>>;
    const again = (await onCpu(data, { epochs: 1, lr: 0.1, optimizer: first.config.optimizer, schedule: first.config.schedule })) as typeof first;
    expect(Array.from(again.params)).toEqual(Array.from(first.params));
  });

  test.each([
    { name: "backend 'cuda'", open: () => openEngine(data, { backend: 'cuda' as never }), field: /^backend must be one of webgpu, cpu, got 'cuda'$/ },
    { name: "adapter 'metal'", open: () => openEngine(data, { adapter: 'metal' as never }), field: /^adapter must be one of auto, hardware, swiftshader, got 'metal'$/ },
    { name: 'an adapter for the CPU', open: () => openEngine(data, { backend: 'cpu', adapter: 'swiftshader' }), field: /^adapter applies to backend webgpu only$/ },
    { name: "stepVariant 'turbo'", open: () => createEngine(data, 'cpu', { stepVariant: 'turbo' as never }), field: /^stepVariant must be one of auto, tune, four-kernels, .*got 'turbo'$/ },
    { name: 'models 0', open: () => createEngine(data, 'cpu', { models: 0 }), field: /^models must be a whole number of at least 1, got 0$/ },
    { name: 'a device that is not one', open: () => createEngine(data, 'gpu' as never), field: /^device must be 'cpu' or a device from openNodeDevice or openBrowserDevice, got 'gpu'$/ },
    { name: 'options that are not an object', open: () => onCpu(data, null as never), field: /^options must be an object of options, got null$/ },
    { name: 'a step variant for the CPU', open: () => openEngine(data, { backend: 'cpu', stepVariant: 'fused-32' }), field: /^stepVariant applies to backend webgpu only$/ },
    { name: 'an unknown openEngine option', open: () => openEngine(data, { backend: 'cpu', model: 2 } as never), field: /^model is not an option \(did you mean models\?\); known: models, stepVariant, backend, adapter$/ },
    { name: 'a backend for createEngine', open: () => createEngine(data, 'cpu', { backend: 'cpu' } as never), field: /^backend is not an option; known: models, stepVariant$/ },
    { name: 'data that is null', open: async () => fit(await createEngine(data, 'cpu'), null as never, { epochs: 1 }), field: /^data must be training data \(from classificationData, .*got null$/ },
    { name: 'test: true without a test set', open: () => onCpu(syntheticData(60, 3, 0.1, 1, { testFraction: 0 }), { epochs: 1, test: true }), field: /^test: true but the data has no test set$/ },
  ])('engine options: $name', async ({ open, field }) => {
    expectFieldError(await refusal(open), field);
  });
});

describe('evaluate takes the model\'s values, padded or not, on a split the engine holds', () => {
  const withTest = classifier(dataset(), dataset());
  const onEngine = async <T>(d: TrainingData, body: (e: Engine) => Promise<T>): Promise<T> => {
    const engine = await createEngine(d, 'cpu');
    try {
      return await body(engine);
    } finally {
      await engine.destroy();
    }
  };

  test('the 7,850 values of W then b give what the padded 7,852 give', async () => {
    const values = Float32Array.from({ length: 7850 }, (_, i) => ((i * 37) % 11) / 1000 - 0.005);
    const padded = new Float32Array(7852);
    padded.set(values);
    const [plain, stored] = await onEngine(withTest, async (e) => [await evaluate(e, values), await evaluate(e, padded)]);
    expect(plain.loss).toBe(stored.loss);
    expect(plain.accuracy).toBe(stored.accuracy);
  });

  test.each([
    { name: 'params of another length', data: withTest, run: (e: Engine) => evaluate(e, new Float32Array(7851)), field: /^params: holds 7851 values; this data needs 7850 \(W, then b\) or 7852 \(padded to a multiple of 4, as fit's result\.params and checkpoints hold them\)$/ },
    { name: 'params as a string', data: withTest, run: (e: Engine) => evaluate(e, 'zeros' as never), field: /^params must be an array, Float32Array or Float64Array of numbers, got 'zeros'$/ },
    { name: 'the test split without a test set', data: classifier(), run: (e: Engine) => evaluate(e, new Float32Array(7852), 'test'), field: /^evaluate: split 'test' but the engine's data has no test set/ },
    { name: 'a split that is neither', data: withTest, run: (e: Engine) => evaluate(e, new Float32Array(7852), 'validation' as never), field: /^split must be one of train, test, got 'validation'$/ },
  ])('$name is refused', async ({ data, run, field }) => {
    expectFieldError(await refusal(() => onEngine(data, run)), field);
  });
});

describe('the library\'s loaders and readers refuse bad arguments, naming them', () => {
  const rows = (y: number[], count = y.length) => ({ x: Float64Array.from(y, (_, i) => i), y: Float64Array.from(y), count, dims: 1 });
  const fromRows = (r: ReturnType<typeof rows>, seed = 1) => regressionFromRows(r, seed, {}, { kind: 'arrays' }, 'rows', ['x'], 'y');
  test.each([
    { name: 'a path where bytes are expected', run: () => readWeights('/nonexistent' as never, 'w'), field: /^bytes must be a weights file's bytes as a Uint8Array \(e\.g\. readFileSync\(path\)\), got '\/nonexistent'$/ },
    { name: 'a negative seed for rows', run: () => fromRows(rows([1, 2, 3, 4, 5]), -5), field: /^seed must be a whole number from 0 to 4294967295, got -5$/ },
    { name: 'an infinite target', run: () => fromRows(rows([1, Number.POSITIVE_INFINITY, 3])), field: /^rows\.y\[1\] is Infinity, not a finite number$/ },
    { name: 'a count larger than the rows', run: () => fromRows(rows([1, 2, 3], 10)), field: /^rows\.x holds 3 values; rows\.count 10 × rows\.dims 1 is 10$/ },
    { name: 'a CSV file that is not there', run: () => loadCsv('/nope.csv', 'y', 1), field: /^cannot read csv \/nope\.csv: no such file$/ },
  ])('$name', async ({ run, field }) => {
    expectFieldError(await refusal(run), field);
  });
});

describe.each(['cpu', 'webgpu'])('one engine, one run at a time, on %s', (backend) => {
  const data = classifier();
  const engineFor = async (d: TrainingData): Promise<Engine> => (backend === 'cpu' ? createEngine(d, 'cpu') : createEngine(d, await testGpu(), { stepVariant: 'four-kernels' }));
  const options: FitOptions = { batchSize: 4, epochs: 2, lr: 0.01 };

  test('a second fit while one runs is refused, and the first trains as it would alone', async () => {
    const alone = await engineFor(data);
    const expected = await fit(alone, data, options);
    await alone.destroy();
    const engine = await engineFor(data);
    try {
      const first = fit(engine, data, options);
      const second = await refusal(() => fit(engine, data, options));
      expectFieldError(second, /^fit: the engine is in use by a fit that has not returned/);
      expectFieldError(await refusal(() => evaluate(engine, expected.params)), /^evaluate: the engine is in use by a fit/);
      const result = await first;
      expect(Array.from(result.params)).toEqual(Array.from(expected.params));
      expect(result.history.map((h) => h.loss)).toEqual(expected.history.map((h) => h.loss));
      // free again once it returned
      expect((await fit(engine, data, { ...options, epochs: 1 })).steps).toBe(10);
    } finally {
      await engine.destroy();
    }
  });

  test('data that is not the engine\'s is refused, even of the same shape', async () => {
    const engine = await engineFor(data);
    try {
      for (const other of [classifier(), regression()]) expectFieldError(await refusal(() => fit(engine, other, options)), /^fit: data is not the data this engine was created with/);
    } finally {
      await engine.destroy();
    }
  });

  test('destroy() during a fit stops it at a step boundary (TrainingStopped), then fit is refused', async () => {
    const engine = await engineFor(data);
    let destroyed: Promise<void> | undefined;
    const stopped = await refusal(() => fit(engine, data, { ...options, epochs: 50, onProgress: () => void (destroyed ??= engine.destroy()) }));
    expect(stopped).toBeInstanceOf(TrainingStopped);
    expect((stopped as TrainingStopped).reason).toBe('interrupted');
    expect((stopped as Error).message).toMatch(/^stopped by destroy\(\) after update \d+$/);
    await destroyed;
    expectFieldError(await refusal(() => fit(engine, data, options)), /^fit: the engine was destroyed; create another with createEngine or openEngine$/);
    await engine.destroy(); // a second destroy is harmless
  });
});

describe('a step variant asked for by name that cannot run the run is refused, never replaced in silence', () => {
  test.each<[string, () => TrainingData, VariantChoice, FitOptions, RegExp]>([
    ['fused at batch 17', classifier, 'fused-32', { epochs: 1, batchSize: 17, lr: 0.1 }, /^stepVariant fused-32 cannot run batch 17 with sgd: the fused step runs the classifier alone with plain SGD, at batch sizes 1 to 16; use auto/],
    ['fused with adam', classifier, 'fused-256', { epochs: 1, batchSize: 8, lr: 0.001, optimizer: { kind: 'adam' } }, /^stepVariant fused-256 cannot run batch 8 with adam: /],
    ['split-K on regression', regression, 'split-k-64', { epochs: 1, batchSize: 10, lr: 0.1 }, /^stepVariant split-k-64 cannot run batch 10 with sgd: split-k-64 runs the classifier alone; use auto/],
  ])('%s', async (_name, data, stepVariant, options, field) => {
    const d = data();
    const engine = await createEngine(d, await testGpu(), { stepVariant });
    try {
      expectFieldError(await refusal(() => fit(engine, d, options)), field);
    } finally {
      await engine.destroy();
    }
  });
});
