/**
 * The library's model options as a program meets them: regression data built with
 * RegressionOptions, fit's init (in the data's units) and shuffle, the parameters in the data's
 * units whatever the scaling, and weightsFile read back by readWeights.
 */
import { describe, expect, test } from 'vitest';
import { type Engine, type TrainingData, UserError, createEngine, fit, parametersOf, readWeights, syntheticData, weightsFile } from '../../src/index';
import { testGpu } from '../helpers/gpu';

async function withEngine<T>(data: TrainingData, backend: string, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine(data, backend === 'cpu' ? 'cpu' : await testGpu());
  try {
    return await body(engine);
  } finally {
    await engine.destroy();
  }
}

describe.each(['webgpu', 'cpu'])('on %s', (backend) => {
  test('standardised or raw, full-batch GD to convergence reaches the same parameters in the data\'s units', async () => {
    const fitted = [];
    for (const standardize of [true, false]) {
      const data = syntheticData(400, 3, 0.1, 9, { standardize, testFraction: 0 });
      const result = await withEngine(data, backend, (engine) => fit(engine, data, { batchSize: 'full', lr: 0.5, epochs: 300 }));
      fitted.push(parametersOf(data, result.params));
    }
    const [a, b] = fitted as Array<ReturnType<typeof parametersOf> & { model: 'linear-regression' }>;
    a!.weights.forEach((w, j) => expect(b!.weights[j]).toBeCloseTo(w, 4));
    expect(b!.intercept!).toBeCloseTo(a!.intercept!, 4);
    // the truth the rows were made from, within the noise
    expect(a!.intercept!).toBeCloseTo(1, 1);
  });

  test('init in the data\'s units: a run started from the least-squares answer stays there', async () => {
    const data = syntheticData(300, 4, 0, 3, { testFraction: 0 });
    const truth = [...data.truth!.weights, data.truth!.bias];
    const result = await withEngine(data, backend, (engine) => fit(engine, data, { batchSize: 10, lr: 0.1, epochs: 1, init: truth }));
    const p = parametersOf(data, result.params);
    if (p.model !== 'linear-regression') throw new Error('regression expected');
    p.weights.forEach((w, j) => expect(w).toBeCloseTo(truth[j]!, 5));
    expect(result.history[0]!.loss).toBeLessThan(1e-10);
  });

  test('shuffle false trains each epoch in the data\'s order: two seeds give the same weights', async () => {
    const data = syntheticData(200, 3, 0.5, 5);
    const weights = [];
    for (const seed of [1, 2]) weights.push((await withEngine(data, backend, (engine) => fit(engine, data, { batchSize: 1, lr: 0.01, epochs: 2, seed, shuffle: false }))).params);
    expect(Array.from(weights[1]!)).toEqual(Array.from(weights[0]!));
  });
});

test('weightsFile: regression weights in the data\'s units, described, read back by readWeights', async () => {
  const data = syntheticData(300, 2, 0.1, 7, { loss: 'mse', intercept: false });
  const result = await withEngine(data, 'cpu', (engine) => fit(engine, data, { batchSize: 'full', lr: 0.2, epochs: 50 }));
  const file = readWeights(weightsFile(data, result.params), 'w');
  const p = parametersOf(data, result.params);
  if (p.model !== 'linear-regression') throw new Error('regression expected');
  expect(file.description).toEqual({ units: 'data', names: ['x0', 'x1'], target: 'y', intercept: false });
  expect(Array.from(file.values)).toEqual([...p.weights, 0]); // float64: exactly the parameters in the data's units
  expect(data.objective).toEqual({ loss: 'mse', intercept: false });
});

test('init of the wrong length and bad options are UserErrors naming the field', async () => {
  const data = syntheticData(100, 3, 0.1, 1);
  await expect(withEngine(data, 'cpu', (engine) => fit(engine, data, { init: [1, 2] }))).rejects.toThrow(/^init: holds 2 values; this data needs 4 .* or 3/);
  await expect(withEngine(data, 'cpu', (engine) => fit(engine, data, { shuffle: 'no' as unknown as boolean }))).rejects.toThrow(/^shuffle must be true or false, got 'no'$/);
  expect(() => syntheticData(100, 3, 0.1, 1, { testFraction: 1 })).toThrow(UserError);
});
