/**
 * examples/no-intercept.sh: ŷ = w·x from w = 1 with the mean squared error, full batch and
 * stochastic in order, through the real commands (train, then predict at x = 4), against plain
 * float64 gradient descent.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { expectMatchesExpected, linearGd, readJson, runExample } from '../helpers/examples';

interface Run { parameters: { weights: number[]; intercept: number | null }; config: { shuffle: boolean } }

test('no intercept: full batch and in-order SGD match float64 gradient descent; predict gives w·4', () => {
  const { stdout, out } = runExample('no-intercept');
  expectMatchesExpected(stdout, 'no-intercept');
  const predictions = [...stdout.matchAll(/^x = 4: y = (\S+)$/gm)].map((m) => Number(m[1]));
  expect(predictions).toHaveLength(2);
  for (const [i, [name, batchSize]] of ([['gd', 3], ['sgd', 1]] as const).entries()) {
    const run = readJson<Run>(join(out, `${name}.json`));
    const ref = linearGd({ x: [[1], [2], [3]], y: [2, 4, 6], theta: [1], lr: 0.01, epochs: 100, batchSize, order: 'none', lossFactor: 2 });
    expect(run.parameters.intercept).toBeNull();
    expect(Math.abs(run.parameters.weights[0]! - ref.theta[0]!) / ref.theta[0]!, name).toBeLessThan(1e-6);
    // predict prints 6 significant digits of w·4 (float32 weights, float64 arithmetic)
    expect(predictions[i]).toBeCloseTo(4 * run.parameters.weights[0]!, 4);
  }
  expect(readJson<Run>(join(out, 'sgd.json')).config.shuffle).toBe(false);
}, 300_000);
