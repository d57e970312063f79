/**
 * The update kernels (sgd_update, momentum_update heavy-ball and Nesterov, adam_update) against
 * their CPU references: three updates in a row, state carried from one to the next, each reading
 * its rate row from the per-epoch table at a non-zero index.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { adamUpdateKernel } from '../../src/kernels/adam-update';
import type { Kernel } from '../../src/kernels/kernel';
import { momentumUpdateKernel } from '../../src/kernels/momentum-update';
import { sgdUpdateKernel } from '../../src/kernels/sgd-update';
import { paramLayout } from '../../src/model';
import { type Optimizer, SGD, adamCorrections } from '../../src/optim/optimizer';
import { adamUpdateRef } from '../../src/reference/adam-update';
import { momentumUpdateRef } from '../../src/reference/momentum-update';
import { sgdUpdateRef } from '../../src/reference/sgd-update';
import { Rng } from '../../src/train/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

const CASES: Array<{ name: string; o: Optimizer }> = [
  { name: 'sgd', o: SGD },
  { name: 'momentum 0.9', o: { ...SGD, kind: 'momentum', momentum: 0.9 } },
  { name: 'nesterov 0.7', o: { ...SGD, kind: 'nesterov', momentum: 0.7 } },
  { name: 'adam', o: { ...SGD, kind: 'adam' } },
  { name: 'adam (β1 0.5, β2 0.9, ε 1e-3)', o: { ...SGD, kind: 'adam', beta1: 0.5, beta2: 0.9, epsilon: 1e-3 } },
];

function kernelOf(o: Optimizer): Kernel {
  if (o.kind === 'adam') return adamUpdateKernel(o);
  if (o.kind === 'sgd') return sgdUpdateKernel;
  return momentumUpdateKernel(o.momentum, o.kind === 'nesterov');
}

describe('update kernels match their CPU references over three updates', () => {
  test.each(CASES.flatMap((c) => [4, 12, 784].map((features) => ({ ...c, features }))))('$name, $features features', async ({ o, features }) => {
    const rng = new Rng(features + o.kind.length);
    const layout = paramLayout(features);
    const P = layout.paddedCount;
    let params = randomFloats(rng, P, 1);
    let state = (o.kind === 'sgd' ? [] : o.kind === 'adam' ? [0, 1] : [0]).map(() => new Float32Array(P));
    const ref = { params: params.slice(), state: state.map((a) => a.slice()) };
    for (let t = 1; t <= 3; t++) {
      const grads = randomFloats(rng, P, 1);
      // the epoch's rate table: this update reads row `index` (5 rows, so the lookup matters)
      const index = t + 1;
      const lr = 0.05 * t;
      const [c1, c2] = adamCorrections(o, t);
      const rates = new Float32Array(20).fill(NaN);
      rates.set([lr, c1, c2, 0], 4 * index);
      const outputs = await runKernel(gpu, kernelOf(o), layout, { start: 0, size: 1, lr: 0, index }, [rates, grads, ...state, params]);
      params = new Float32Array(outputs.at(-1)!);
      state = outputs.slice(2, -1).map((b) => new Float32Array(b));
      const r = new Float32Array(rates.subarray(4 * index, 4 * index + 3));
      if (o.kind === 'sgd') sgdUpdateRef(ref.params, grads, r[0]!);
      else if (o.kind === 'adam') adamUpdateRef(ref.params, ref.state[0]!, ref.state[1]!, grads, { lr: r[0]!, c1: r[1]!, c2: r[2]! }, o);
      else momentumUpdateRef(ref.params, ref.state[0]!, grads, r[0]!, o.momentum, o.kind === 'nesterov');
      expect(params).toBeAllclose(ref.params, { atol: 1e-6, rtol: 1e-5 });
      state.forEach((a, i) => expect(a).toBeAllclose(ref.state[i]!, { atol: 1e-6, rtol: 1e-5 }));
    }
  });
});
