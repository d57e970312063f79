/**
 * examples/four-points.sh: batch, stochastic and mini-batch gradient descent on four points,
 * through the real command, against plain float64 gradient descent with the same update rule
 * and (for the stochastic runs) the same seeded order of examples.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { expectMatchesExpected, linearGd, maxRelativeDifference, readJson, runExample } from '../helpers/examples';

const X = [[1, 1], [1, 2], [1, 3], [1, 4]];
const Y = [2, 4, 6, 8];
interface Run { parameters: { weights: number[]; intercept: number | null }; final: { train: { loss: number }; test: null } }

test('four points: GD, SGD and batches of 2 match float64 gradient descent to float32 precision', () => {
  const { stdout, out } = runExample('four-points');
  expectMatchesExpected(stdout, 'four-points');
  const runs = [['gd', 4], ['sgd', 1], ['minibatch', 2]] as const;
  for (const [name, batchSize] of runs) {
    const run = readJson<Run>(join(out, `${name}.json`));
    const ref = linearGd({ x: X, y: Y, theta: [0, 0], lr: 0.01, epochs: 1000, batchSize, order: 'seeded', seed: 1, lossFactor: 1 });
    expect(run.parameters.intercept).toBeNull();
    // float32 against float64 over 1000 to 4000 updates, relative to |θ|: measured 4.5e-8 (GD), 1.3e-7 (SGD), 4.3e-8 (batches of 2)
    expect(maxRelativeDifference(run.parameters.weights, ref.theta), name).toBeLessThan(1e-6);
    expect(Math.abs(run.final.train.loss - ref.loss) / ref.loss, name).toBeLessThan(1e-3);
    expect(run.final.test).toBeNull();
    console.log(`${name}: θ ${run.parameters.weights.join(', ')}; float64 ${ref.theta.join(', ')}; relative difference ${maxRelativeDifference(run.parameters.weights, ref.theta).toExponential(2)}`);
  }
  // the textbook's GD values after 1000 updates
  const gd = readJson<Run>(join(out, 'gd.json'));
  expect(gd.parameters.weights[0]).toBeCloseTo(0.136307, 5);
  expect(gd.parameters.weights[1]).toBeCloseTo(1.953639, 5);
}, 300_000);
