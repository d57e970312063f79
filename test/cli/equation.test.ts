/** The printed parameters line: enough digits that the equation reproduces the model's predictions. */
import { describe, expect, test } from 'vitest';
import { createEngine } from '../../src/api/engine';
import { fit } from '../../src/api/fit';
import { describeParameters, equationDigits } from '../../src/cli/model-options';
import { type RegressionParameters, parametersOf } from '../../src/data/parameters';
import { regressionFromRows, syntheticData } from '../../src/data/regression-data';
import type { TrainingData } from '../../src/data/training-data';

async function trained(data: TrainingData, epochs: number): Promise<RegressionParameters> {
  const engine = await createEngine(data, 'cpu');
  try {
    return parametersOf(data, (await fit(engine, data, { epochs })).params) as RegressionParameters;
  } finally {
    await engine.destroy();
  }
}

/** The printed equation `y = w·a + w·b ± b` evaluated at `x`, as a reader would. */
function evaluatePrinted(line: string, x: readonly number[]): number {
  const [, rhs] = /^parameters: \w+ = (.*)$/.exec(line)!;
  const tokens = rhs!.replaceAll('- ', '-').replaceAll('+ ', '').split(' ');
  const terms = tokens.map((t) => t.split('·'));
  return terms.reduce((sum, [w, name], i) => sum + Number(w) * (name === undefined ? 1 : x[i]!), 0);
}

describe('the parameters line', () => {
  test('a feature near 1e6 (the report\'s far.csv): the printed equation agrees with the model\'s prediction to 1e-7', async () => {
    const data = regressionFromRows(
      { x: Float64Array.from([1e6, 2, 1000001, 3, 1000002, 5, 1000003, 1, 1000004, 4]), y: Float64Array.from([3, 5, 8, 5, 7]), count: 5, dims: 2 },
      1, { testFraction: 0 }, { kind: 'arrays' }, 'far.csv', ['a', 'b'], 'y',
    );
    const p = await trained(data, 20);
    const line = describeParameters(p, equationDigits(data, p));
    const x = [1000002, 5];
    const predicted = p.weights[0]! * x[0]! + p.weights[1]! * x[1]! + p.intercept!;
    expect(Math.abs(evaluatePrinted(line, x) - predicted) / Math.abs(predicted)).toBeLessThan(1e-7);
    // 6 digits (the old line) were 3% off here
    expect(Math.abs(evaluatePrinted(describeParameters(p), x) - predicted) / Math.abs(predicted)).toBeGreaterThan(1e-3);
  });

  test('ordinary columns keep 6 significant digits', async () => {
    const data = syntheticData(200, 2, 0.5, 1);
    const p = await trained(data, 2);
    expect(equationDigits(data, p)).toBe(6);
    expect(describeParameters(p, equationDigits(data, p))).toMatch(/^parameters: y = -?\d\.\d{5}·x0 [+-] \d\.\d{5}·x1 [+-] \d\.\d{5}$/);
  });

  test('weights that are not finite (terms NaN) give a digit count toPrecision takes, never a RangeError', async () => {
    const data = syntheticData(20, 2, 0.5, 1);
    const p = { ...(await trained(data, 1)), weights: [Infinity, 0.3], intercept: -Infinity };
    expect(equationDigits(data, p)).toBe(17);
    expect(() => describeParameters(p, equationDigits(data, p))).not.toThrow();
  });
});
