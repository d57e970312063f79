/**
 * Kernel shapes that give the same bits, chosen by measurement: candidates that do the same
 * arithmetic in the same order but lay the work out differently (gradient_blocked.wgsl's rows per
 * loop pass). Which one is fastest depends on the machine under the adapter, not on anything the
 * adapter reports (on SwiftShader, the host CPU: see ROWS_PER_PASS_CHOICES), so each device times
 * them once, on PROBE_ROWS rows, and keeps the winner for its life. The weights cannot depend on
 * the choice, so runs stay reproducible across processes and machines (the step variant, which
 * does change the bits, is chosen by a fixed rule: variants.ts).
 */
import type { Gpu, Pipeline } from '../device/gpu';
import { UNIFORM_STRIDE_BYTES } from '../device/gpu';
import { type Kernel, writeBatchUniform } from '../kernels/kernel';
import type { ParamLayout } from '../model';

/** rows of the timed batch: enough that a dispatch is milliseconds, few enough to stay cheap */
export const PROBE_ROWS = 1024;
/** timed rounds, each candidate once per round in turn; the median decides */
const ROUNDS = 3;

/** What was measured, for the report and the tests. */
export interface KernelChoice {
  kernel: Kernel;
  /** median ms per dispatch of each candidate, in candidate order */
  ms: number[];
}

const chosen = new WeakMap<Gpu, Map<string, Promise<KernelChoice>>>();

/**
 * The fastest of `candidates` (same bindings, same bits) on `gpu` for `rows` rows (at most
 * PROBE_ROWS are timed), measured the first time a device asks for `family` and remembered.
 * `buffers` are the candidates' bindings after the batch uniform; only read-write ones change.
 */
export function fastestKernel(gpu: Gpu, family: string, candidates: readonly Kernel[], layout: ParamLayout, rows: number, buffers: GPUBuffer[]): Promise<KernelChoice> {
  let families = chosen.get(gpu);
  if (!families) chosen.set(gpu, (families = new Map()));
  let choice = families.get(family);
  if (!choice) {
    choice = timeCandidates(gpu, candidates, layout, Math.min(rows, PROBE_ROWS), buffers);
    families.set(family, choice);
    // a failed measurement (a lost device) is not remembered
    choice.catch(() => families.delete(family));
  }
  return choice;
}

async function timeCandidates(gpu: Gpu, candidates: readonly Kernel[], layout: ParamLayout, rows: number, buffers: GPUBuffer[]): Promise<KernelChoice> {
  const table = new DataView(new ArrayBuffer(UNIFORM_STRIDE_BYTES));
  writeBatchUniform(table, 0, { start: 0, size: rows });
  const uniform = await gpu.buffer('kernel probe batch', UNIFORM_STRIDE_BYTES, 'uniform', table);
  try {
    const runs = await Promise.all(candidates.map(async (kernel) => {
      const pipeline = await gpu.pipeline(kernel, kernel.constants(layout));
      return { pipeline, group: gpu.bindGroup(pipeline, [uniform, ...buffers]), groups: kernel.workgroups(rows, layout) };
    }));
    const once = async ({ pipeline, group, groups }: { pipeline: Pipeline; group: GPUBindGroup; groups: number }) => {
      const encoder = gpu.encoder('kernel probe');
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline.pipeline);
      pass.setBindGroup(0, group, [0]);
      gpu.dispatch(pass, pipeline, groups);
      pass.end();
      const t0 = performance.now();
      gpu.submit([encoder.finish()]);
      await gpu.finish();
      return performance.now() - t0;
    };
    for (const run of runs) await once(run); // the first dispatch of a pipeline pays extra
    const times: number[][] = runs.map(() => []);
    for (let round = 0; round < ROUNDS; round++) for (const [i, run] of runs.entries()) times[i]!.push(await once(run));
    const ms = times.map((t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
    const best = ms.indexOf(Math.min(...ms));
    return { kernel: candidates[best]!, ms };
  } finally {
    gpu.free(uniform);
  }
}
