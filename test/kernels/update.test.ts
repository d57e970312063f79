/**
 * update.wgsl against its CPU reference, three updates in a row with the state carried from one
 * to the next, each reading its rate row from the per-epoch table at a non-zero index: every
 * rule as a single run (one model, base rate 1, unused state bound to placeholders, as
 * GpuOptimizer binds it), and K models with a different rule and rate each (a sweep).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { modelStride } from '../../src/kernels/kernel';
import { kindTable, updateKernel } from '../../src/kernels/update';
import { paramLayout } from '../../src/model';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind, SGD, adamCorrections, stateArrays } from '../../src/optim/optimizer';
import { stackedUpdateRef } from '../../src/reference/stacked';
import { type UpdateRate, updateRef } from '../../src/reference/update';
import { Rng } from '../../src/rng';
import { runKernel, testGpu } from '../helpers/gpu';
import { randomFloats } from '../helpers/random';

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu()));
afterAll(async () => gpu?.destroy());

// every optimiser at its default constants, and some at others
const CASES: Array<{ name: string; o: Optimizer }> = [
  ...OPTIMIZER_KINDS.map((kind) => ({ name: kind, o: { ...SGD, kind } })),
  { name: 'nesterov 0.7', o: { ...SGD, kind: 'nesterov', momentum: 0.7 } },
  { name: 'adam (β1 0.5, β2 0.9, ε 1e-3)', o: { ...SGD, kind: 'adam', beta1: 0.5, beta2: 0.9, epsilon: 1e-3 } },
];

/**
 * The epoch's rate table for K models, 5 updates of NaN rows but update `index`'s, whose row for
 * model k is (lrs[k], c1, c2, 0): the lookup matters.
 */
function rateTable(index: number, lrs: readonly number[], [c1, c2]: [number, number]): Float32Array {
  const rates = new Float32Array(20 * lrs.length).fill(NaN);
  lrs.forEach((lr, k) => rates.set([lr, c1, c2, 0], 4 * (index * lrs.length + k)));
  return rates;
}

/** Model k's row of update `index` in a rate table of K models. */
function rateRow(rates: Float32Array, index: number, K: number, k: number): UpdateRate {
  const [lr, c1, c2] = rates.subarray(4 * (index * K + k));
  return { lr: lr!, c1: c1!, c2: c2! };
}

describe('update.wgsl, one model, matches its CPU reference over three updates', () => {
  // software: a few workgroups walk the parameters (grid-stride), as on SwiftShader; else one thread each
  test.each(CASES.flatMap((c) => [4, 12, 784].flatMap((features) => [false, true].map((software) => ({ ...c, features, software })))))('$name, $features features, software adapter\'s dispatch $software', async ({ o, features, software }) => {
    const rng = new Rng(features + o.kind.length);
    const P = paramLayout(features).paddedCount;
    const used = stateArrays(o.kind).length;
    let params = randomFloats(rng, P, 1);
    // the rule's state arrays, then 16-byte placeholders where it keeps none (never written)
    let state = [0, 1].map((i) => new Float32Array(i < used ? P : 4));
    const ref = { params: params.slice(), state: state.map((a) => a.slice()) };
    for (let t = 1; t <= 3; t++) {
      const grads = randomFloats(rng, P, 1);
      const index = t + 1;
      const rates = rateTable(index, [0.05 * t], adamCorrections(o, t));
      const out = await runKernel(gpu, updateKernel(1, o, o.kind, software), paramLayout(features), { start: 0, size: 1, index }, [rates, kindTable([o.kind]), grads, ...state, params]);
      [state, params] = [[new Float32Array(out[3]!), new Float32Array(out[4]!)], new Float32Array(out[5]!)];
      updateRef(o, ref.params, ref.state[0]!, ref.state[1]!, grads, rateRow(rates, index, 1, 0));
      expect(params).toBeAllclose(ref.params, { atol: 1e-6, rtol: 1e-5 });
      state.forEach((a, i) => expect(a).toBeAllclose(ref.state[i]!, { atol: 1e-6, rtol: 1e-5 }));
    }
  });
});

describe('update.wgsl, K models with a rule and rate each, matches K copies of the reference', () => {
  const SWEEPS: Array<{ features: number; kinds: OptimizerKind[]; lrs: number[] }> = [
    { features: 12, kinds: ['sgd', 'momentum', 'nesterov', 'adam', 'adam'], lrs: [0.5, 0.1, 0.05, 0.01, 0.003] },
    { features: 28, kinds: ['adam', 'sgd', 'nesterov'], lrs: [0.002, 0.3, 0.07] },
  ];
  test.each(SWEEPS.flatMap((c) => [false, true].map((software) => ({ ...c, software }))))('$kinds, $features features, software adapter\'s dispatch $software', async ({ features, kinds, lrs, software }) => {
    const layout = paramLayout(features);
    const stride = modelStride(layout);
    const o = { ...SGD, momentum: 0.8 };
    const rng = new Rng(features);
    let params = randomFloats(rng, kinds.length * stride, 1);
    let s1 = new Float32Array(kinds.length * stride);
    let s2 = new Float32Array(kinds.length * stride);
    const ref = { params: params.slice(), s1: s1.slice(), s2: s2.slice() };
    for (let t = 1; t <= 3; t++) {
      const grads = randomFloats(rng, kinds.length * stride, 1);
      const rates = rateTable(t, lrs.map((lr) => lr / t), adamCorrections(o, t));
      const out = await runKernel(gpu, updateKernel(kinds.length, o, undefined, software), layout, { start: 0, size: 1, index: t }, [rates, kindTable(kinds), grads, s1, s2, params]);
      [s1, s2, params] = [new Float32Array(out[3]!), new Float32Array(out[4]!), new Float32Array(out[5]!)];
      stackedUpdateRef(kinds, o, stride, ref.params, ref.s1, ref.s2, grads, kinds.map((_, k) => rateRow(rates, t, kinds.length, k)));
      expect(params).toBeAllclose(ref.params, { atol: 1e-6, rtol: 1e-5 });
      expect(s1).toBeAllclose(ref.s1, { atol: 1e-6, rtol: 1e-5 });
      expect(s2).toBeAllclose(ref.s2, { atol: 1e-6, rtol: 1e-5 });
    }
  });
});
