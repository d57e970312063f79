/**
 * runMethods hands each method's settings to fit: a method's other fields (its name) must not
 * reach fit's options, which refuse keys they do not know.
 */
import { expect, test } from 'vitest';
import { createEngine, syntheticData } from '../../src/index';
import { runMethods } from '../../src/measure/methods';
import { SGD } from '../../src/optim/optimizer';
import { CONSTANT } from '../../src/optim/schedule';

test('a named method trains through fit', async () => {
  const data = syntheticData(60, 3, 0.1, 1);
  const engine = await createEngine(data, 'cpu');
  try {
    const results = await runMethods(engine, data, [{ name: 'sgd', batchSize: 12, lr: 0.1, optimizer: SGD, schedule: CONSTANT }], 1, 50, { loss: 0, accuracy: 1 });
    expect(results.map((r) => r.method.name)).toEqual(['sgd']);
    expect(results[0]!.curve.history.length).toBeGreaterThan(0);
  } finally {
    await engine.destroy();
  }
});
