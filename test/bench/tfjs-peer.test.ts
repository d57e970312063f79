/**
 * The TensorFlow.js peer must train the same model as downhill, or the benchmark's ratios would
 * compare different work: on its cpu backend it follows downhill's CPU reference step for step.
 */
import { expect, test } from 'vitest';
import { TfjsBackend } from '../../bench/peers/tfjs';
import { CpuBackend } from '../../src/backend/cpu';
import { paramLayout, zeroParams } from '../../src/model';
import { train } from '../../src/train/trainer';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

test('TensorFlow.js (cpu backend) follows the CPU reference', async () => {
  const data = { train: head(mnist().train, 211), test: head(mnist().test, 97) };
  const config = { batchSize: 16, lr: 0.3, epochs: 2, recordEvery: 7, seed: 5 };
  const tfjs = await TfjsBackend.create('cpu', data, { vendor: 'cpu', architecture: '', device: '', description: 'tfjs cpu', software: true, runtime: 'cpu' });
  try {
    const peer = await train(tfjs, data.train.count, zeroParams(paramLayout(784)), config);
    const ref = await train(new CpuBackend(data), data.train.count, zeroParams(paramLayout(784)), config);
    expect(peer.steps).toBe(ref.steps);
    expect(peer.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
    expect(peer.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-5, rtol: 1e-5 });
    // its evaluation of its weights equals the reference's evaluation of the same weights
    const reference = new CpuBackend(data);
    await reference.setParams(peer.params);
    const [mine, theirs] = [await tfjs.evaluate('test'), await reference.evaluate('test')];
    expect(Array.from(mine.confusion)).toEqual(Array.from(theirs.confusion));
    expect(mine.loss).toBeCloseTo(theirs.loss, 5);
  } finally {
    await tfjs.destroy();
  }
});
