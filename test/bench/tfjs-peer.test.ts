/**
 * The TensorFlow.js peer must train the same model as downhill, or the benchmark's ratios would
 * compare different work: on each of its backends it follows downhill's CPU reference step for
 * step, and evaluates weights the way the reference does.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { TfjsBackend, type TfjsBackendName } from '../../bench/peers/tfjs';
import { CpuBackend } from '../../src/backend/cpu';
import { acquireNodeAdapter } from '../../src/device/adapter-node';
import { paramLayout, zeroParams } from '../../src/model';
import { train } from '../../src/train/trainer';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = { train: head(mnist().train, 211), test: head(mnist().test, 97) };
const config = { batchSize: 16, lr: 0.3, epochs: 2, recordEvery: 7, seed: 5 };
const reference = train(new CpuBackend(classifierData(data)), data.train.count, zeroParams(paramLayout(784)), config);
const opened: TfjsBackend[] = [];
afterAll(async () => {
  for (const b of opened) await b.destroy();
});

describe('TensorFlow.js follows the CPU reference', () => {
  // f32 on every TF.js backend against the float64 reference, over 28 updates
  test.each(['cpu', 'wasm', 'webgpu'] as TfjsBackendName[])('%s backend', async (name) => {
    const found = name === 'webgpu' ? await acquireNodeAdapter('auto') : undefined;
    const adapter = found?.report ?? { vendor: 'cpu', architecture: '', device: '', description: `tfjs ${name}`, software: true, runtime: 'cpu' as const };
    const tfjs = await TfjsBackend.create(name, data, adapter, found?.gpu);
    opened.push(tfjs);
    const peer = await train(tfjs, data.train.count, zeroParams(paramLayout(784)), config);
    const ref = await reference;
    expect(peer.steps).toBe(ref.steps);
    expect(peer.params).toBeAllclose(ref.params, { atol: 1e-5, rtol: 1e-4 });
    expect(peer.history.map((h) => h.loss)).toBeAllclose(ref.history.map((h) => h.loss), { atol: 1e-5, rtol: 1e-5 });
    // its evaluation of its weights equals the reference's evaluation of the same weights
    const check = new CpuBackend(classifierData(data));
    await check.setParams(0, peer.params);
    const [mine, theirs] = [await tfjs.evaluate(0, 'test'), await check.evaluate(0, 'test')];
    expect(Array.from(mine.confusion)).toEqual(Array.from(theirs.confusion));
    expect(mine.loss).toBeCloseTo(theirs.loss, 5);
  });
});
