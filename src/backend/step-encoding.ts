/**
 * What the WebGPU engine does with a plan: upload its step table and rate table once, and record
 * runs of steps into compute passes with one dynamic offset per step (the engine reads the losses
 * back with the last command buffer).
 */
import { type Gpu, type Pipeline, UNIFORM_STRIDE_BYTES } from '../device/gpu';
import { type Kernel, writeBatchUniform } from '../kernels/kernel';
import type { ParamLayout } from '../model';
import { baseRates } from '../optim/rates';
import type { ModelConfig, Step } from './backend';

/** Steps recorded per command buffer: bounds the size of one submission. */
export const STEPS_PER_SUBMIT = 1024;

/** One dispatch of a step: its kernel, pipeline and bind group (the step table at binding 0). */
export interface Launch {
  kernel: Kernel;
  pipeline: Pipeline;
  bindGroup: GPUBindGroup;
}

/**
 * A plan's step table (each step's Batch uniform, with its index, at UNIFORM_STRIDE_BYTES) and
 * its rate table at the configurations' base rates (src/optim/rates.ts; each epoch then writes its own).
 */
export async function uploadPlan(gpu: Gpu, steps: readonly Step[], configs: readonly ModelConfig[], label: string): Promise<{ stepTable: GPUBuffer; rates: GPUBuffer }> {
  const table = new DataView(new ArrayBuffer(Math.max(1, steps.length) * UNIFORM_STRIDE_BYTES));
  steps.forEach((s, i) => writeBatchUniform(table, i * UNIFORM_STRIDE_BYTES, { ...s, index: i }));
  return {
    stepTable: await gpu.buffer(`${label} step table`, table.byteLength, 'uniform', table),
    rates: await gpu.buffer(`${label} rates`, Math.max(1, steps.length) * configs.length * 16, 'storage', baseRates(steps.length, configs)),
  };
}

/**
 * Records plan steps [first, first + count), each as `launches` at its offset in the step table,
 * STEPS_PER_SUBMIT per command buffer. Submits all but the last, which is returned unfinished so
 * that the caller can add its readback to it.
 */
export function encodeSteps(gpu: Gpu, plan: readonly Step[], launches: readonly Launch[], layout: ParamLayout, first: number, count: number, label: string): GPUCommandEncoder {
  let last: GPUCommandEncoder | undefined;
  for (let chunk = first; chunk < first + count; chunk += STEPS_PER_SUBMIT) {
    const end = Math.min(first + count, chunk + STEPS_PER_SUBMIT);
    const encoder = gpu.encoder(`${label} ${chunk}..${end}`);
    const pass = encoder.beginComputePass();
    for (let s = chunk; s < end; s++) {
      const offset = [s * UNIFORM_STRIDE_BYTES];
      for (const { kernel, pipeline, bindGroup } of launches) {
        pass.setPipeline(pipeline.pipeline);
        pass.setBindGroup(0, bindGroup, offset);
        gpu.dispatch(pass, pipeline, kernel.workgroups(plan[s]!.size, layout));
      }
    }
    pass.end();
    if (end === first + count) last = encoder;
    else gpu.submit([encoder.finish()]);
  }
  return last!;
}

/** Offsets in the evaluation table of the whole training and test sets, as one batch each. */
export const EVAL_OFFSETS = { train: 0, test: UNIFORM_STRIDE_BYTES } as const;

/** The evaluation table: the whole training set, then the whole test set, each as one batch. */
export function uploadEvaluationTable(gpu: Gpu, trainCount: number, testCount: number): Promise<GPUBuffer> {
  const table = new DataView(new ArrayBuffer(2 * UNIFORM_STRIDE_BYTES));
  writeBatchUniform(table, EVAL_OFFSETS.train, { start: 0, size: trainCount });
  writeBatchUniform(table, EVAL_OFFSETS.test, { start: 0, size: testCount });
  return gpu.buffer('evaluation batches', table.byteLength, 'uniform', table);
}
