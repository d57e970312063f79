/**
 * The work counts (Gpu.countWork) on the real adapter, against what the design says a run of
 * steps asks for: four dispatches per step of the four-kernel variant, one submit per
 * STEPS_PER_SUBMIT steps with the loss readback riding on the last, one wait and one loss window
 * read back per runSteps; the fused step's FUSED_STEPS_PER_DISPATCH steps per dispatch; each
 * kernel's workgroups from its dispatch geometry. Nothing is counted when no one counts.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { STEPS_PER_SUBMIT } from '../../src/backend/step-encoding';
import { type StepVariant, WebGpuBackend } from '../../src/backend/webgpu';
import type { Gpu } from '../../src/device/gpu';
import { FUSED_STEPS_PER_DISPATCH } from '../../src/kernels/sgd-fused';
import { paramLayout, zeroParams } from '../../src/model';
import { SGD } from '../../src/optim/optimizer';
import { Rng, permutation } from '../../src/rng';
import { epochPlan } from '../../src/train/plan';
import { classifierData } from '../helpers/data';
import { testGpu } from '../helpers/gpu';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const ROWS = 2100;
const data = { train: head(mnist().train, ROWS), test: head(mnist().test, 300) };
const gpus: Gpu[] = [];
afterAll(async () => {
  for (const g of gpus) await g.destroy();
});

async function engine(variant: StepVariant, batch: number): Promise<WebGpuBackend> {
  const gpu = await testGpu();
  gpus.push(gpu);
  const backend = await WebGpuBackend.create(gpu, classifierData(data), { stepVariant: variant });
  await backend.setOptimizers([{ optimizer: SGD, lr: 0.01 }]);
  await backend.setParams(0, zeroParams(paramLayout(784)));
  await backend.setPlan(epochPlan(ROWS, batch), () => false);
  backend.setOrder(permutation(ROWS, new Rng(3)));
  expect(backend.stepVariant).toBe(variant);
  return backend;
}

describe('work counts of a run of steps', () => {
  test('four kernels at batch 1: 4 dispatches per step, a submit per STEPS_PER_SUBMIT steps, one readback', async () => {
    const backend = await engine('four-kernels', 1);
    const stop = backend.countWork();
    await backend.runSteps(0, ROWS);
    const c = stop();
    expect(c.dispatches).toBe(4 * ROWS);
    // 2100 steps: command buffers of 1024, 1024 and 52 steps; the last carries the loss readback
    expect(c.submits).toBe(Math.ceil(ROWS / STEPS_PER_SUBMIT));
    expect(c.submits).toBe(3);
    expect(c.waits).toBe(1);
    expect(c.readbackBytes).toBe(4 * ROWS);
    // batch 1: one workgroup of 64 for forward and softmax_xent; the gradient's 197 threads (196
    // feature words and the bias) in 4 workgroups of 64
    expect(c.kernels.forward).toEqual({ dispatches: ROWS, workgroups: ROWS, workgroupSize: 64 });
    expect(c.kernels.softmax_xent).toEqual({ dispatches: ROWS, workgroups: ROWS, workgroupSize: 64 });
    expect(c.kernels.gradient).toEqual({ dispatches: ROWS, workgroups: 4 * ROWS, workgroupSize: 64 });
    expect(Object.keys(c.kernels)).toHaveLength(4);
    // counting stopped: more work leaves the counts alone
    await backend.runSteps(0, 3);
    expect(c.dispatches).toBe(4 * ROWS);
  });

  test('four kernels at batch 100: the forward pass has a thread per example, or per 8 on a software adapter', async () => {
    const backend = await engine('four-kernels', 100);
    const stop = backend.countWork();
    await backend.runSteps(0, 21);
    const c = stop();
    expect([c.dispatches, c.submits, c.waits, c.readbackBytes]).toEqual([84, 1, 1, 4 * ROWS]);
    // SwiftShader runs forward_tiled.wgsl (the same logits): 8 rows a thread, 13 threads in one workgroup of 16
    if (backend.adapter.software) expect(c.kernels['forward_tiled/8']).toEqual({ dispatches: 21, workgroups: 21, workgroupSize: 16 });
    else expect(c.kernels.forward).toEqual({ dispatches: 21, workgroups: 21 * 2, workgroupSize: 64 });
  });

  test('the fused step: FUSED_STEPS_PER_DISPATCH steps per single-workgroup dispatch, one submit', async () => {
    const backend = await engine('fused-64', 1);
    const stop = backend.countWork();
    await backend.runSteps(0, ROWS);
    const c = stop();
    expect(c.dispatches).toBe(Math.ceil(ROWS / FUSED_STEPS_PER_DISPATCH));
    expect([c.submits, c.waits, c.readbackBytes]).toEqual([1, 1, 4 * ROWS]);
    expect(c.kernels).toEqual({ sgd_fused: { dispatches: 2, workgroups: 2, workgroupSize: 64 } });
  });

  test('an evaluation: forward and evaluate in one submit, two readbacks', async () => {
    const backend = await engine('four-kernels', 100);
    const stop = backend.countWork();
    await backend.evaluate(0, 'test');
    const c = stop();
    // 300 rows: forward in 5 workgroups of 64 (on a software adapter forward_tiled, 8 rows a
    // thread: 38 threads in 3 workgroups of 16), evaluate in 2 of 256; the readbacks are the two
    // workgroups' loss sums and the 10 x 10 confusion matrix, each with its own submit and wait
    const forward = backend.adapter.software ? { 'forward_tiled/8': { dispatches: 1, workgroups: 3, workgroupSize: 16 } } : { forward: { dispatches: 1, workgroups: 5, workgroupSize: 64 } };
    expect(c.kernels).toEqual({ ...forward, evaluate: { dispatches: 1, workgroups: 2, workgroupSize: 256 } });
    expect([c.submits, c.waits, c.readbackBytes]).toEqual([3, 2, 2 * 4 + 400]);
  });

  test('one count at a time', async () => {
    const backend = await engine('four-kernels', 100);
    const stop = backend.countWork();
    expect(() => backend.countWork()).toThrow(/already being counted/);
    stop();
    backend.countWork()();
  });
});
