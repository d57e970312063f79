/**
 * Kernel microbenchmarks on the adapter: each kernel alone, dispatched many times in one
 * submission and timed to completion, reported as GFLOP/s and GB/s beside the adapter's
 * measured ceilings: bandwidth (a large buffer-to-buffer copy) and multiply-add
 * (shaders/probe_fma.wgsl). At each batch size the kernels' submissions alternate (round after
 * round, every kernel once per round), so that a noisy machine slows them alike. Where the device
 * has 'timestamp-query', the same submissions also carry GPU timestamps (the first pass's
 * beginning, the last pass's end): GPU time per dispatch beside the wall time, which adds the
 * submit, the wait for completion and, on a real GPU, the launch latency.
 *
 * Traffic models (bytes a kernel must move at least; B rows, D features, C classes, P params):
 *   forward, forward_tiled/R   B·D (image bytes) + 4B (order) + 4P (params) + 4BC (logits)   2BDC flops
 *   softmax_xent 4BC (logits) + 8B (order, labels) + 4B (loss) + 4BC (dlogits)   ~5BC flops
 *   gradient     B·D + 4B + 4BC (dlogits) + 4P (grads)                           2BDC flops
 *   gradient_partial/Q  as gradient, with 4P·ceil(B/Q) partials written         2BDC flops
 *   gradient_reduce/Q   4P·ceil(B/Q) (partials) + 4P (grads)                      P·ceil(B/Q) flops
 *   gradient_blocked/S/rR  as gradient, with 4P·S partials written (S phases, R rows per pass)  2BDC flops
 *   gradient_reduce/phases/S  4P·S + 4P                                           P·S flops
 *   update (sgd) 12P (read params and grads, write params)                       2P flops
 *   update (sgd), 1 workgroup  the same, by one workgroup (on SwiftShader: one core), as a fused step does it
 *   empty dispatch  one workgroup of 16 threads that write 16 vec4 (probe_fma.wgsl with no passes): a dispatch's own cost
 *   evaluate     4BC + 8B + 4·groups                                              ~4BC flops
 */
import { type Gpu, UNIFORM_STRIDE_BYTES } from '../device/gpu';
import { evaluateKernel } from '../kernels/evaluate';
import { forwardKernel } from '../kernels/forward';
import { FORWARD_TILES, tiledForwardKernel } from '../kernels/forward-tiled';
import { PHASES, ROWS_PER_PASS_CHOICES, gradientBlockedKernel, phasePartialsBytes, phaseReduceKernel } from '../kernels/gradient-blocked';
import { gradientKernel } from '../kernels/gradient';
import { gradientPartialKernel, partialsBytes, SPLIT_CHUNKS, splitChunks } from '../kernels/gradient-partial';
import { gradientReduceKernel } from '../kernels/gradient-reduce';
import { type Kernel, writeBatchUniform } from '../kernels/kernel';
import { kindTable, updateKernel } from '../kernels/update';
import { SGD } from '../optim/optimizer';
import { softmaxXentKernel } from '../kernels/softmax-xent';
import { CLASSES, IMAGE_FEATURES, paramLayout } from '../model';
import { Rng, permutation } from '../rng';
import { summarize } from './stats';

export interface KernelResult {
  kernel: string;
  rows: number;
  /** dispatches per timed submission */
  dispatches: number;
  /** median over REPS submissions */
  microsecondsPerDispatch: number;
  /** min and max over the submissions */
  microsecondsRange: [number, number];
  /** median over the same submissions of GPU time per dispatch from timestamp queries; null: the device has none */
  gpuMicrosecondsPerDispatch?: number | null;
  gflopsPerSecond: number;
  gigabytesPerSecond: number;
  /** gigabytesPerSecond / the copy ceiling */
  bandwidthFraction: number;
  /** gflopsPerSecond / the multiply-add ceiling (absent in results from before the probe) */
  flopFraction?: number;
}

export interface KernelBench {
  /** whether GPU time was measured (the device has 'timestamp-query'); absent in older results */
  timestamps?: boolean;
  /** median over REPS timed copies */
  copyCeilingGBps: number;
  copyBytes: number;
  /** median over REPS timed probe_fma.wgsl dispatches (absent in results from before the probe) */
  fmaCeilingGflops?: number;
  results: KernelResult[];
}

const N = 60000;
const MIN_TIMED_MS = 150;
const REPS = 5;

/** Runs on `gpu` (the caller opens and destroys it); `say` gets a line per kernel measured. */
/** the rows at which the benchmark times each kernel alone, by default */
export const KERNEL_ROWS: readonly number[] = [100, 1000, N];

export async function benchKernels(gpu: Gpu, say: (line: string) => void, rowsList: readonly number[] = KERNEL_ROWS): Promise<KernelBench> {
  const layout = paramLayout(IMAGE_FEATURES);
  const rng = new Rng(1);
  const D = IMAGE_FEATURES;
  const P = layout.paddedCount;
  const storage = (label: string, data: ArrayBufferView) => gpu.buffer(label, data.byteLength, 'storage', data);
  const images = await storage('images', Uint8Array.from({ length: N * D }, () => rng.below(256)));
  const order = await storage('order', permutation(N, rng));
  const labels = await storage('labels', Uint32Array.from({ length: N }, () => rng.below(CLASSES)));
  const params = await storage('params', Float32Array.from({ length: P }, () => (rng.next() - 0.5) * 0.01));
  const grads = await storage('grads', new Float32Array(P));
  const logits = await storage('logits', Float32Array.from({ length: N * CLASSES }, () => rng.next() - 0.5));
  const dlogits = await storage('dlogits', new Float32Array(N * CLASSES));
  const loss = await storage('loss', new Float32Array(N));
  const lossSums = await storage('loss sums', new Float32Array(Math.ceil(N / 64)));
  const confusion = await storage('confusion', new Uint32Array(CLASSES * CLASSES));
  // the update's rate table (src/optim/rates.ts): one row, read at the batch's index 0
  const rates = await storage('rates', Float32Array.of(1e-6, 1, 1, 0));
  // one model of plain SGD (its rule compiled in: the kinds table is not read); SGD keeps no state (16-byte placeholders)
  const models = await storage('optimizer kinds', kindTable(['sgd']));
  const [s1, s2] = [await storage('s1', new Float32Array(4)), await storage('s2', new Float32Array(4))];
  const maxRows = Math.max(...rowsList);
  const partials = await gpu.buffer('partials', partialsBytes(splitChunks(maxRows, Math.min(...SPLIT_CHUNKS)), layout), 'storage');

  const copyBytes = 64 * 1024 * 1024;
  const copySrc = await gpu.buffer('copy source', copyBytes, 'storage');
  const copyDst = await gpu.buffer('copy target', copyBytes, 'storage');
  // a copy is not a pass: no timestamps
  const [copyMs] = await timeAlternating(gpu, [(encoder) => encoder.copyBufferToBuffer(copySrc, 0, copyDst, 0, copyBytes)], false);
  const copyCeilingGBps = (2 * copyBytes) / (copyMs!.perCallMs * 1e6);
  gpu.free(copySrc);
  gpu.free(copyDst);
  // probe_fma.wgsl's sums: the ceiling's probe and the empty dispatch write them
  const sink = await gpu.buffer('probe sink', FMA.threads * 16, 'storage');
  const fmaCeilingGflops = await measureFmaCeiling(gpu, sink);
  say(`multiply-add ceiling: ${fmaCeilingGflops.toFixed(2)} GFLOP/s`);
  const phasePartials = await gpu.buffer('phase partials', phasePartialsBytes(32, layout), 'storage');

  type Traffic = (B: number) => { flops: number; bytes: number };
  const bindings: Array<[string, Kernel, GPUBuffer[], Traffic]> = [
    ['forward', forwardKernel, [images, order, params, logits], (B) => ({ flops: 2 * B * D * CLASSES, bytes: B * D + 4 * B + 4 * P + 4 * B * CLASSES })],
    ...FORWARD_TILES.map((r): [string, Kernel, GPUBuffer[], Traffic] => [`forward_tiled/${r}`, tiledForwardKernel(r), [images, order, params, logits], (B) => ({ flops: 2 * B * D * CLASSES, bytes: B * D + 4 * B + 4 * P + 4 * B * CLASSES })]),
    ['softmax_xent', softmaxXentKernel, [logits, labels, order, loss, dlogits], (B) => ({ flops: 5 * B * CLASSES, bytes: 8 * B * CLASSES + 12 * B })],
    ['gradient', gradientKernel, [images, order, dlogits, grads], (B) => ({ flops: 2 * B * D * CLASSES, bytes: B * D + 4 * B + 4 * B * CLASSES + 4 * P })],
    ...SPLIT_CHUNKS.flatMap((q): Array<[string, Kernel, GPUBuffer[], Traffic]> => [
      [`gradient_partial/${q}`, gradientPartialKernel(q), [images, order, dlogits, partials], (B) => ({ flops: 2 * B * D * CLASSES, bytes: B * D + 4 * B + 4 * B * CLASSES + 4 * P * splitChunks(B, q) })],
      [`gradient_reduce/${q}`, gradientReduceKernel(q, gpu.adapter.software), [partials, grads], (B) => ({ flops: P * splitChunks(B, q), bytes: 4 * P * (splitChunks(B, q) + 1) })],
    ]),
    // the engine's phase count, and 32 (the probe's)
    ...[PHASES, 32].flatMap((S): Array<[string, Kernel, GPUBuffer[], Traffic]> => [
      ...ROWS_PER_PASS_CHOICES.map((R): [string, Kernel, GPUBuffer[], Traffic] => [`gradient_blocked/${S}/r${R}`, gradientBlockedKernel(S, R), [images, order, dlogits, phasePartials], (B) => ({ flops: 2 * B * D * CLASSES, bytes: B * D + 4 * B + 4 * B * CLASSES + 4 * P * S })]),
      [`gradient_reduce/phases/${S}`, phaseReduceKernel(S, gpu.adapter.software), [phasePartials, grads], () => ({ flops: P * S, bytes: 4 * P * (S + 1) })],
    ]),
    ['update (sgd)', updateKernel(1, SGD, 'sgd', gpu.adapter.software), [rates, models, grads, s1, s2, params], () => ({ flops: 2 * P, bytes: 12 * P })],
    // floors of a step on this adapter: every parameter read and written once by a single
    // workgroup (what a fused step does per update, in one workgroup), and a dispatch that does nothing
    ['update (sgd), 1 workgroup', { ...updateKernel(1, SGD, 'sgd', gpu.adapter.software), workgroups: () => 1 }, [rates, models, grads, s1, s2, params], () => ({ flops: 2 * P, bytes: 12 * P })],
    ['empty dispatch', fmaProbe(0), [sink], () => ({ flops: 0, bytes: 0 })],
    ['evaluate', evaluateKernel, [logits, labels, order, lossSums, confusion], (B) => ({ flops: 4 * B * CLASSES, bytes: 4 * B * CLASSES + 8 * B + 4 * Math.ceil(B / 256) })],
  ];
  const results: KernelResult[] = [];
  for (const rows of rowsList) {
    const table = new DataView(new ArrayBuffer(UNIFORM_STRIDE_BYTES));
    writeBatchUniform(table, 0, { start: 0, size: rows });
    const uniform = await gpu.buffer('batch', UNIFORM_STRIDE_BYTES, 'uniform', table);
    const records = [];
    for (const [name, kernel, buffers, model] of bindings) {
      const pipeline = await gpu.pipeline(kernel, kernel.constants(layout));
      const group = gpu.bindGroup(pipeline, [uniform, ...buffers]);
      const groups = kernel.workgroups(rows, layout);
      records.push({ name, model, record: (encoder: GPUCommandEncoder, timestampWrites?: GPUComputePassTimestampWrites) => {
        const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
        pass.setPipeline(pipeline.pipeline);
        pass.setBindGroup(0, group, [0]);
        gpu.dispatch(pass, pipeline, groups);
        pass.end();
      } });
    }
    const timed = await timeAlternating(gpu, records.map((r) => r.record));
    for (const [i, { name, model }] of records.entries()) {
      const t = timed[i]!;
      const { flops, bytes } = model(rows);
      const gigabytesPerSecond = bytes / (t.perCallMs * 1e6);
      const gflopsPerSecond = flops / (t.perCallMs * 1e6);
      results.push({
        kernel: name, rows, dispatches: t.calls, microsecondsPerDispatch: t.perCallMs * 1000, microsecondsRange: [t.minMs * 1000, t.maxMs * 1000],
        gpuMicrosecondsPerDispatch: t.gpuPerCallMs === null ? null : t.gpuPerCallMs * 1000,
        gflopsPerSecond, gigabytesPerSecond, bandwidthFraction: gigabytesPerSecond / copyCeilingGBps, flopFraction: gflopsPerSecond / fmaCeilingGflops,
      });
      const gpuText = t.gpuPerCallMs === null ? '' : ` (GPU ${(t.gpuPerCallMs * 1000).toFixed(1)} µs)`;
      say(`kernel ${name} rows ${rows}: ${(t.perCallMs * 1000).toFixed(1)} µs${gpuText}, ${gflopsPerSecond.toFixed(2)} GFLOP/s (${(100 * gflopsPerSecond / fmaCeilingGflops).toFixed(1)}% of the multiply-add ceiling), ${gigabytesPerSecond.toFixed(2)} GB/s`);
    }
    gpu.free(uniform);
  }
  gpu.free(phasePartials);
  gpu.free(sink);
  return { timestamps: gpu.timestamps, copyCeilingGBps, copyBytes, fmaCeilingGflops, results };
}

/** shaders/probe_fma.wgsl: 8 accumulators x 16 updates per pass, the probe of anchors.md */
const FMA = { accumulators: 8, updates: 16, passes: 2048, threads: 512, workgroup: 16 };

/** probe_fma.wgsl with `passes` loop passes: FMA.threads threads; with 0, one workgroup that only writes its sums (an empty dispatch) */
function fmaProbe(passes: number): Kernel {
  return {
    name: 'probe_fma', file: 'probe_fma.wgsl', repeat: { a: FMA.accumulators, u: FMA.updates },
    bindings: ['uniform-dynamic', 'read-write'],
    constants: () => ({ WORKGROUP_SIZE: FMA.workgroup, PASSES: passes }),
    workgroups: () => (passes === 0 ? 1 : FMA.threads / FMA.workgroup),
  };
}

/** GFLOP/s of probe_fma.wgsl: the multiply-add ceiling, median of REPS timed submissions */
async function measureFmaCeiling(gpu: Gpu, sink: GPUBuffer): Promise<number> {
  const probe = fmaProbe(FMA.passes);
  const pipeline = await gpu.pipeline(probe, probe.constants(paramLayout(4)));
  const table = new DataView(new ArrayBuffer(UNIFORM_STRIDE_BYTES));
  writeBatchUniform(table, 0, { start: 0, size: 1 });
  const uniform = await gpu.buffer('probe batch', UNIFORM_STRIDE_BYTES, 'uniform', table);
  const group = gpu.bindGroup(pipeline, [uniform, sink]);
  const [t] = await timeAlternating(gpu, [(encoder) => {
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline.pipeline);
    pass.setBindGroup(0, group, [0]);
    pass.dispatchWorkgroups(FMA.threads / FMA.workgroup);
    pass.end();
  }], false);
  gpu.free(uniform);
  const flops = 8 * FMA.accumulators * FMA.updates * FMA.passes * FMA.threads;
  return flops / (t!.perCallMs * 1e6);
}

/** One command recorded into `encoder`; a compute pass takes `timestampWrites` when given. */
export type Recorder = (encoder: GPUCommandEncoder, timestampWrites?: GPUComputePassTimestampWrites) => void;

export interface Timing {
  calls: number;
  perCallMs: number;
  minMs: number;
  maxMs: number;
  /** median GPU time per call over the same submissions (timestamps); null without timestamp queries */
  gpuPerCallMs: number | null;
}

/** timeAlternating of one record. */
export async function timeRepeated(gpu: Gpu, record: Recorder, timestamps = true): Promise<Timing> {
  return (await timeAlternating(gpu, [record], timestamps))[0]!;
}

/**
 * Times each of `records` (one command, recorded `calls` times into one command buffer) to
 * completion: per record, doubles `calls` until one submission takes at least MIN_TIMED_MS;
 * then REPS rounds, each submitting every record once, in turn; per-call time as median, min
 * and max over the rounds. With `timestamps` (and a device that has them) each submission's
 * passes are also timed on the GPU, read back after the wall clock stops.
 */
export async function timeAlternating(gpu: Gpu, records: readonly Recorder[], timestamps = true): Promise<Timing[]> {
  const timer = timestamps ? gpu.timer() : null;
  const submit = async (record: Recorder, calls: number) => {
    const encoder = gpu.encoder('kernel bench');
    for (let i = 0; i < calls; i++) record(encoder, timer?.writes(i === 0, i === calls - 1));
    timer?.resolve(encoder);
    const t0 = performance.now();
    gpu.submit([encoder.finish()]);
    await gpu.finish();
    const ms = performance.now() - t0;
    return { ms, gpuMs: timer ? (await timer.elapsedNs()) / 1e6 : null };
  };
  try {
    const counts: number[] = [];
    for (const record of records) {
      await submit(record, 1);
      let calls = 1;
      while ((await submit(record, calls)).ms < MIN_TIMED_MS && calls < 1 << 16) calls *= 2;
      counts.push(calls);
    }
    const wall: number[][] = records.map(() => []);
    const gpuTimes: number[][] = records.map(() => []);
    for (let rep = 0; rep < REPS; rep++) {
      for (const [i, record] of records.entries()) {
        const t = await submit(record, counts[i]!);
        wall[i]!.push(t.ms / counts[i]!);
        if (t.gpuMs !== null) gpuTimes[i]!.push(t.gpuMs / counts[i]!);
      }
    }
    return wall.map((w, i) => {
      const s = summarize(w);
      return { calls: counts[i]!, perCallMs: s.median, minMs: s.min, maxMs: s.max, gpuPerCallMs: gpuTimes[i]!.length ? summarize(gpuTimes[i]!).median : null };
    });
  } finally {
    timer?.destroy();
  }
}
