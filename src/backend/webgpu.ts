/**
 * The WebGPU backend: datasets, parameters and every intermediate stay on the GPU; a training
 * step is four dispatches (forward, softmax_xent, gradient, sgd_update) recorded into one compute
 * pass with many other steps, submitted together and awaited once. Large batches may split the
 * gradient in two (split-K: gradient_partial, gradient_reduce); small ones may run many steps per
 * dispatch (sgd_fused). Which one runs is chosen per plan by a fixed rule (or, asked for, by
 * measurement). Each step finds its batch
 * (start, size, lr) in a table of uniforms uploaded once per run, selected with a dynamic offset,
 * so nothing is written or read back per step.
 */
import type { AdapterReport } from '../device/adapter-info';
import { type Gpu, type Pipeline, UNIFORM_STRIDE_BYTES } from '../device/gpu';
import type { Dataset } from '../data/dataset';
import { UserError } from '../errors';
import { evaluateKernel } from '../kernels/evaluate';
import { forwardKernel } from '../kernels/forward';
import type { Kernel } from '../kernels/kernel';
import { gradientKernel } from '../kernels/gradient';
import { gradientPartialKernel, partialsBytes, SPLIT_CHUNKS, SPLIT_MAX_CHUNKS, SPLIT_MIN_CHUNKS, splitChunks } from '../kernels/gradient-partial';
import { gradientReduceKernel } from '../kernels/gradient-reduce';
import { FUSED_MAX_BATCH, FUSED_STEPS_PER_DISPATCH, FUSED_WORKGROUP_SIZES, fusedConstants, sgdFusedKernel, writeFusedUniform } from '../kernels/sgd-fused';
import type { Optimizer } from '../optim/optimizer';
import { GpuOptimizer } from './gpu-optimizer';
import { softmaxXentKernel } from '../kernels/softmax-xent';
import { CLASSES, type ParamLayout, paramLayout } from '../model';
import type { Backend, BackendData, Evaluation, Split, Step } from './backend';
import { summarizeEvaluation } from './evaluation';
import { EVAL_OFFSETS, type Launch, encodeSteps, readMeanLoss, uploadEvaluationTable, uploadPlan } from './step-encoding';

/** Steps timed per candidate when choosing how to run a plan, and rounds (the fastest counts). */
const CHOICE_STEPS = 48;
const CHOICE_ROUNDS = 3;
/** A fused variant must beat the four kernels by this factor to be chosen: timings are noisy. */
const CHOICE_MARGIN = 0.9;

/**
 * How a plan's steps run: 'four-kernels' records forward, softmax_xent, gradient and sgd_update
 * per step; 'split-k-Q' replaces gradient by gradient_partial (chunks of Q rows, one thread per
 * chunk and feature word) and gradient_reduce, which fills a wide GPU on large batches;
 * 'fused-W' runs up to FUSED_STEPS_PER_DISPATCH small-batch steps in one dispatch of sgd_fused
 * with W threads. The variants round differently, so the choice decides the weights' last bits:
 * 'auto' picks by a fixed rule of the plan's shape and the adapter's kind (ruleVariant), so the
 * same command gives the same weights in every process; 'tune' times every candidate on the
 * plan's own steps and keeps the fastest, which may differ from run to run.
 */
export type StepVariant = 'four-kernels' | `split-k-${number}` | `fused-${number}`;
export type VariantChoice = StepVariant | 'auto' | 'tune';
export const STEP_VARIANTS: readonly VariantChoice[] = [
  'auto',
  'tune',
  'four-kernels',
  ...SPLIT_CHUNKS.map((c) => `split-k-${c}` as const),
  ...FUSED_WORKGROUP_SIZES.map((w) => `fused-${w}` as const),
];

interface ResidentSet {
  images: GPUBuffer;
  labels: GPUBuffer;
  count: number;
}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  private plan: readonly Step[] = [];
  private stepTable: GPUBuffer | undefined;
  private readonly stepLaunches = new Map<StepVariant, Launch[]>();
  private partials: GPUBuffer | undefined;
  /** per-update (lr, c1, c2, 0) of the current epoch, read by the update kernels and sgd_fused */
  private rates: GPUBuffer | undefined;
  /** the optimiser: its update kernel and state arrays */
  private readonly update: GpuOptimizer;
  private fusedTable: GPUBuffer | undefined;
  private readonly fusedLaunches = new Map<StepVariant, Launch>();
  private chosen: StepVariant = 'four-kernels';
  /** the current plan's batch size when sgd_fused can run it, set with the plan */
  private fusedPlan: { batch: number } | undefined;
  private variantNote = 'four-kernels';
  /** 'auto' unless a test or benchmark forces one */
  variantChoice: VariantChoice = 'auto';
  /** polled between the timings of 'tune': a stop request cuts the measurement short */
  private stopRequested: () => boolean = () => false;

  private constructor(
    private readonly gpu: Gpu,
    private readonly layout: ParamLayout,
    private readonly pipelines: Record<'forward' | 'softmax' | 'gradient' | 'evaluate', Pipeline>,
    private readonly sets: Partial<Record<Split, ResidentSet>>,
    private readonly buffers: Record<'params' | 'grads' | 'order' | 'identity' | 'logits' | 'dlogits' | 'loss' | 'lossSums' | 'confusion' | 'evalTable', GPUBuffer>,
  ) {
    this.update = new GpuOptimizer(gpu, layout);
  }

  get adapter(): AdapterReport {
    return this.gpu.adapter;
  }

  /** GPU memory in this backend's buffers */
  get memory(): { liveBytes: number; peakBytes: number; buffers: number } {
    return this.gpu.memory;
  }

  /** the step variant in use for the current plan, and how it was chosen */
  get variant(): string {
    return this.variantNote;
  }

  /** the step variant in use for the current plan (forcing it again reproduces the run) */
  get stepVariant(): StepVariant {
    return this.chosen;
  }

  static async create(gpu: Gpu, data: BackendData): Promise<WebGpuBackend> {
    const layout = paramLayout(data.train.features);
    if (data.test && data.test.features !== data.train.features) {
      throw new Error(`train and test sets differ in features: ${data.train.features} vs ${data.test.features}`);
    }
    const maxRows = Math.max(data.train.count, data.test?.count ?? 0);
    const maxGroups = gpu.limits.maxComputeWorkgroupsPerDimension;
    if (forwardKernel.workgroups(maxRows, layout) > maxGroups) {
      throw new UserError(`${maxRows} examples need ${forwardKernel.workgroups(maxRows, layout)} workgroups in one dispatch; this adapter allows ${maxGroups}`);
    }
    const compile = (k: Kernel) => gpu.pipeline(k, k.constants(layout));
    const forward = await compile(forwardKernel);
    const softmax = await compile(softmaxXentKernel);
    const gradient = await compile(gradientKernel);
    const evaluate = await compile(evaluateKernel);
    // the split-K and fused pipelines are compiled when a plan needs them (setPlan): a run
    // compiles only the variant it runs, unless it measures them all (tune)
    const identity = new Uint32Array(maxRows).map((_, i) => i);
    const paramBytes = layout.paddedCount * 4;
    const buffers = {
      params: await gpu.buffer('params', paramBytes, 'storage'),
      grads: await gpu.buffer('grads', paramBytes, 'storage'),
      order: await gpu.buffer('order', data.train.count * 4, 'storage'),
      identity: await gpu.buffer('identity order', maxRows * 4, 'storage', identity),
      logits: await gpu.buffer('logits', maxRows * CLASSES * 4, 'storage'),
      dlogits: await gpu.buffer('dlogits', data.train.count * CLASSES * 4, 'storage'),
      loss: await gpu.buffer('loss', data.train.count * 4, 'storage'),
      lossSums: await gpu.buffer('loss sums', evaluateKernel.workgroups(maxRows, layout) * 4, 'storage'),
      confusion: await gpu.buffer('confusion', CLASSES * CLASSES * 4, 'storage'),
      evalTable: await uploadEvaluationTable(gpu, data.train.count, data.test?.count ?? 1),
    };
    const sets: Partial<Record<Split, ResidentSet>> = { train: await upload(gpu, 'train', data.train) };
    if (data.test) sets.test = await upload(gpu, 'test', data.test);
    return new WebGpuBackend(gpu, layout, { forward, softmax, gradient, evaluate }, sets, buffers);
  }

  async setParams(params: Float32Array): Promise<void> {
    if (params.length !== this.layout.paddedCount) {
      throw new Error(`expected ${this.layout.paddedCount} parameters (padded), got ${params.length}`);
    }
    this.gpu.write(this.buffers.params, params);
    await this.gpu.finish();
  }

  async getParams(): Promise<Float32Array> {
    return new Float32Array(await this.gpu.read(this.buffers.params, this.layout.paddedCount * 4));
  }

  async setOptimizer(optimizer: Optimizer): Promise<void> {
    await this.update.set(optimizer);
  }

  getOptimizerState(): Promise<Float32Array[]> {
    return this.update.getState();
  }

  setOptimizerState(arrays: readonly Float32Array[]): Promise<void> {
    return this.update.setState(arrays);
  }

  setRates(rates: Float32Array): void {
    if (rates.length !== this.plan.length * 4) throw new Error(`rates hold ${rates.length / 4} updates for a plan of ${this.plan.length}`);
    this.gpu.write(this.rates!, rates);
  }

  async setPlan(steps: readonly Step[], stopRequested: () => boolean): Promise<void> {
    this.stopRequested = stopRequested;
    const train = this.sets.train!;
    for (const s of steps) {
      if (s.size < 1 || s.start + s.size > train.count) throw new Error(`step ${JSON.stringify(s)} is outside the ${train.count} training examples`);
    }
    if (this.stepTable) this.gpu.free(this.stepTable);
    if (this.rates) this.gpu.free(this.rates);
    ({ stepTable: this.stepTable, rates: this.rates } = await uploadPlan(this.gpu, steps, 'plan'));
    this.plan = steps;
    this.stepLaunches.clear();
    this.fusedLaunches.clear();
    // the fused step is plain SGD: it keeps no optimiser state
    this.fusedPlan = this.update.optimizer.kind === 'sgd' ? this.fusedShape(train.count) : undefined;
    const largest = Math.max(1, ...steps.map((s) => s.size));
    const candidates = this.candidates(largest);
    const forced = this.variantChoice;
    if (forced !== 'auto' && forced !== 'tune') {
      this.chosen = candidates.includes(forced) ? forced : 'four-kernels';
      this.variantNote = this.chosen === forced ? `${forced} (forced)` : `four-kernels (${forced} was asked for, but the fused step takes plain SGD on regular batches of at most ${FUSED_MAX_BATCH})`;
    } else if (candidates.length === 1) {
      this.chosen = 'four-kernels';
      this.variantNote = `four-kernels (no other variant applies: the fused step takes batches of at most ${FUSED_MAX_BATCH}, split-K needs ${SPLIT_MIN_CHUNKS} to ${SPLIT_MAX_CHUNKS} chunks)`;
    } else if (forced === 'auto') {
      this.chosen = ruleVariant(candidates, largest, this.gpu.adapter.software);
      this.variantNote = `${this.chosen} (the rule for batch ${largest} on a ${this.gpu.adapter.software ? 'software' : 'hardware'} adapter; --step-variant tune measures instead)`;
    }
    await this.prepare(forced === 'tune' ? candidates : [this.chosen], largest);
    if (forced === 'tune' && candidates.length > 1) await this.measure(candidates);
  }

  /** The variants that can run this plan: four kernels always, split-K and the fused step where they apply. */
  private candidates(largest: number): StepVariant[] {
    const splits = SPLIT_CHUNKS.filter((chunk) => this.splitApplies(chunk, largest)).map((chunk) => `split-k-${chunk}` as const);
    const fused = this.fusedPlan ? FUSED_WORKGROUP_SIZES.map((w) => `fused-${w}` as const) : [];
    return ['four-kernels', ...splits, ...fused];
  }

  /** Compiles the variants' pipelines (once per backend) and records their launches for this plan. */
  private async prepare(variants: readonly StepVariant[], largest: number): Promise<void> {
    const train = this.sets.train!;
    const b = this.buffers;
    const { forward, softmax, gradient } = this.pipelines;
    const launch = (kernel: Kernel, pipeline: Pipeline, buffers: GPUBuffer[]): Launch => ({ kernel, pipeline, bindGroup: this.gpu.bindGroup(pipeline, [this.stepTable!, ...buffers]) });
    const compile = (k: Kernel) => this.gpu.pipeline(k, k.constants(this.layout));
    const head = [
      launch(forwardKernel, forward, [train.images, b.order, b.params, b.logits]),
      launch(softmaxXentKernel, softmax, [b.logits, train.labels, b.order, b.loss, b.dlogits]),
    ];
    const u = await this.update.bindings(this.rates!, b.grads, b.params);
    const tail = launch(u.kernel, u.pipeline, u.buffers);
    this.stepLaunches.set('four-kernels', [...head, launch(gradientKernel, gradient, [train.images, b.order, b.dlogits, b.grads]), tail]);
    // the partials buffer holds the most chunks any split-K variant needs on this plan's largest batch
    const splits = SPLIT_CHUNKS.filter((chunk) => variants.includes(`split-k-${chunk}`));
    if (this.partials) this.gpu.free(this.partials);
    this.partials = splits.length === 0 ? undefined
      : await this.gpu.buffer('gradient partials', partialsBytes(Math.max(...splits.map((chunk) => splitChunks(largest, chunk))), this.layout), 'storage');
    for (const chunk of splits) {
      const [partial, reduce] = [await compile(gradientPartialKernel(chunk)), await compile(gradientReduceKernel(chunk))];
      this.stepLaunches.set(`split-k-${chunk}`, [
        ...head,
        launch(gradientPartialKernel(chunk), partial, [train.images, b.order, b.dlogits, this.partials!]),
        launch(gradientReduceKernel(chunk), reduce, [this.partials!, b.grads]),
        tail,
      ]);
    }
    const fused = FUSED_WORKGROUP_SIZES.filter((w) => variants.includes(`fused-${w}`));
    if (fused.length > 0) {
      if (this.fusedTable) this.gpu.free(this.fusedTable);
      const dispatches = Math.ceil(this.plan.length / FUSED_STEPS_PER_DISPATCH);
      this.fusedTable = await this.gpu.buffer('fused runs', dispatches * UNIFORM_STRIDE_BYTES, 'uniform');
      for (const w of fused) {
        const pipeline = await this.gpu.pipeline(sgdFusedKernel, fusedConstants(this.layout.rowWords, w));
        this.fusedLaunches.set(`fused-${w}`, { kernel: sgdFusedKernel, pipeline, bindGroup: this.gpu.bindGroup(pipeline, [this.fusedTable, train.images, train.labels, b.order, b.params, b.loss, this.rates!]) });
      }
    }
  }

  /** The plan's batch size if sgd_fused can run it: regular batches of at most FUSED_MAX_BATCH. */
  private fusedShape(rows: number): { batch: number } | undefined {
    const batch = this.plan[0]?.size ?? 0;
    if (batch < 1 || batch > FUSED_MAX_BATCH) return undefined;
    const regular = this.plan.every((s, i) => s.start === i * batch && s.size === Math.min(batch, rows - i * batch));
    return regular ? { batch } : undefined;
  }

  /** whether split-K with this chunk size can run batches of up to `largest` rows */
  private splitApplies(chunk: number, largest: number): boolean {
    if (this.variantChoice === `split-k-${chunk}`) return true;
    const chunks = splitChunks(largest, chunk);
    return (this.variantChoice === 'auto' || this.variantChoice === 'tune') && chunks >= SPLIT_MIN_CHUNKS && chunks <= SPLIT_MAX_CHUNKS;
  }

  /**
   * tune: times every candidate on this plan's first steps from the current parameters and
   * optimiser state, then puts them back and keeps the fastest (a variant other than four kernels
   * must win by CHOICE_MARGIN: timings are noisy).
   */
  private async measure(candidates: readonly StepVariant[]): Promise<void> {
    const saved = await this.getParams();
    const savedState = await this.getOptimizerState();
    const count = Math.min(CHOICE_STEPS, this.plan.length);
    const times: Array<[StepVariant, number]> = [];
    for (const variant of candidates) {
      if (this.stopRequested()) break;
      let best = Infinity;
      for (let round = 0; round < CHOICE_ROUNDS && !this.stopRequested(); round++) {
        this.chosen = variant;
        const t0 = performance.now();
        await this.runSteps(0, count);
        best = Math.min(best, performance.now() - t0);
      }
      if (best < Infinity) times.push([variant, best]);
    }
    await this.setParams(saved);
    await this.setOptimizerState(savedState);
    if (this.stopRequested()) {
      // the run is about to stop: no choice is needed, only a consistent state
      this.chosen = 'four-kernels';
      this.variantNote = 'four-kernels (the measurement was stopped)';
      return;
    }
    const fourMs = times[0]![1];
    times.sort((x, y) => x[1] - y[1]);
    this.chosen = times[0]![0] !== 'four-kernels' && times[0]![1] < CHOICE_MARGIN * fourMs ? times[0]![0] : 'four-kernels';
    this.variantNote = `${this.chosen} (measured over ${count} steps, µs/step: ${times.map(([v, ms]) => `${v} ${((ms / count) * 1000).toFixed(0)}`).join(', ')})`;
  }

  setOrder(order: Uint32Array): void {
    if (order.length !== this.sets.train!.count) throw new Error(`order has ${order.length} entries for ${this.sets.train!.count} examples`);
    this.gpu.write(this.buffers.order, order);
  }

  async runSteps(first: number, count: number): Promise<number> {
    if (first < 0 || first + count > this.plan.length) throw new Error(`steps ${first}..${first + count} are outside the plan of ${this.plan.length}`);
    const fused = this.fusedLaunches.get(this.chosen);
    if (fused) return this.runFused(fused, first, count);
    const encoder = encodeSteps(this.gpu, this.plan, this.stepLaunches.get(this.chosen)!, this.layout, first, count, 'steps');
    return readMeanLoss(this.gpu, this.buffers.loss, this.plan, first, count, encoder);
  }

  /** Steps [first, first + count) as sgd_fused dispatches of up to FUSED_STEPS_PER_DISPATCH steps. */
  private async runFused(launch: Launch, first: number, count: number): Promise<number> {
    const { batch } = this.fusedPlan!;
    const dispatches = Math.ceil(count / FUSED_STEPS_PER_DISPATCH);
    const table = new DataView(new ArrayBuffer(dispatches * UNIFORM_STRIDE_BYTES));
    for (let d = 0; d < dispatches; d++) {
      const start = first + d * FUSED_STEPS_PER_DISPATCH;
      writeFusedUniform(table, d * UNIFORM_STRIDE_BYTES, { first: start, count: Math.min(FUSED_STEPS_PER_DISPATCH, first + count - start), batch, rows: this.sets.train!.count });
    }
    this.gpu.write(this.fusedTable!, table);
    const encoder = this.gpu.encoder(`fused steps ${first}..${first + count}`);
    const pass = encoder.beginComputePass();
    pass.setPipeline(launch.pipeline.pipeline);
    for (let d = 0; d < dispatches; d++) {
      pass.setBindGroup(0, launch.bindGroup, [d * UNIFORM_STRIDE_BYTES]);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
    return readMeanLoss(this.gpu, this.buffers.loss, this.plan, first, count, encoder);
  }

  batchLoss(first: number, count: number): Promise<number> {
    return readMeanLoss(this.gpu, this.buffers.loss, this.plan, first, count);
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const set = this.sets[split];
    if (!set) throw new Error(`no ${split} set was loaded`);
    const b = this.buffers;
    const { forward, evaluate } = this.pipelines;
    const offset = [EVAL_OFFSETS[split]];
    const encoder = this.gpu.encoder(`evaluate ${split}`);
    encoder.clearBuffer(b.confusion);
    const pass = encoder.beginComputePass();
    pass.setPipeline(forward.pipeline);
    pass.setBindGroup(0, this.gpu.bindGroup(forward, [b.evalTable, set.images, b.identity, b.params, b.logits]), offset);
    pass.dispatchWorkgroups(forwardKernel.workgroups(set.count, this.layout));
    pass.setPipeline(evaluate.pipeline);
    pass.setBindGroup(0, this.gpu.bindGroup(evaluate, [b.evalTable, b.logits, set.labels, b.identity, b.lossSums, b.confusion]), offset);
    const groups = evaluateKernel.workgroups(set.count, this.layout);
    pass.dispatchWorkgroups(groups);
    pass.end();
    this.gpu.submit([encoder.finish()]);
    const [sums, confusion] = await Promise.all([
      this.gpu.read(b.lossSums, groups * 4),
      this.gpu.read(b.confusion, CLASSES * CLASSES * 4),
    ]);
    // the per-workgroup sums are added in float64, in index order
    const lossSum = new Float32Array(sums).reduce((a, x) => a + x, 0);
    return summarizeEvaluation(set.count, lossSum, new Uint32Array(confusion));
  }

  /** The resident training set and the parameters' buffer, for a sweep that shares them. */
  get shared(): { images: GPUBuffer; labels: GPUBuffer; params: GPUBuffer } {
    const train = this.sets.train!;
    return { images: train.images, labels: train.labels, params: this.buffers.params };
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}

/**
 * The step variant 'auto' runs: a fixed function of the candidates that apply, the plan's
 * largest batch and the adapter's kind, so that the same command always rounds the same way.
 * Software adapters (SwiftShader), from the committed benchmark: the fused step wins at batch 1
 * (169 against 357 µs per step) and ties at 10; four kernels and split-K tie from 100 to 1000;
 * split-K with chunks of 512 wins at full batch (1.50 against 2.26 s per step). Hardware
 * adapters (argued, not measured: no GPU was available): a GPU has thousands of lanes, so the
 * fused step (one workgroup, no launches) takes small batches and split-K (a thread per chunk and
 * feature word instead of 197 threads) every batch it applies to.
 */
export function ruleVariant(candidates: readonly StepVariant[], largestBatch: number, software: boolean): StepVariant {
  const pick = (...preferred: StepVariant[]) => preferred.find((v) => candidates.includes(v)) ?? 'four-kernels';
  if (software) return largestBatch >= 8192 ? pick('split-k-512') : pick('fused-64');
  return pick('fused-256', 'split-k-64', 'split-k-512');
}

async function upload(gpu: Gpu, name: string, data: Dataset): Promise<ResidentSet> {
  if (data.images.byteLength % 4 !== 0) throw new Error(`${name} images are ${data.images.byteLength} bytes, not a multiple of 4`);
  return {
    images: await gpu.buffer(`${name} images`, data.images.byteLength, 'storage', data.images),
    labels: await gpu.buffer(`${name} labels`, data.count * 4, 'storage', Uint32Array.from(data.labels)),
    count: data.count,
  };
}
