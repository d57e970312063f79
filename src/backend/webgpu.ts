/**
 * The WebGPU engine: one for every model (gpu-models.ts) and any number K of stacked
 * configurations (K = 1: an ordinary run; K > 1: a sweep, each dispatch advancing all of them).
 * Data, parameters and every intermediate stay on the GPU. A step is its variant's dispatches
 * (variants.ts: four kernels, split-K, the register-blocked gradient, or many fused steps per dispatch), recorded with many other
 * steps into one compute pass, submitted together and awaited once; each step finds its batch
 * (start, size, index) in a table of uniforms uploaded once per plan, selected with a dynamic
 * offset, so nothing is written or read back per step. Each example's loss stays at its epoch
 * position until a window of them is read back with the completion of the steps.
 *
 * Parameters, gradients and optimiser state of model k sit at k · modelStride floats (256-byte
 * aligned, so one model can be bound alone for evaluation).
 */
import type { TrainingData } from '../data/training-data';
import { type Gpu, type WaitHint, type Pipeline, UNIFORM_STRIDE_BYTES, type WorkCounts } from '../device/gpu';
import { UserError } from '../errors';
import { gradientPartialKernel, partialsBytes, SPLIT_CHUNKS, splitChunks } from '../kernels/gradient-partial';
import { gradientReduceKernel } from '../kernels/gradient-reduce';
import { PHASES, ROWS_PER_PASS_CHOICES, gradientBlockedKernel, phasePartialsBytes, phaseReduceKernel } from '../kernels/gradient-blocked';
import { fastestKernel } from './kernel-tuner';
import { type Kernel, modelStride } from '../kernels/kernel';
import { FUSED_STEPS_PER_DISPATCH, fusedConstants, sgdFusedKernel, writeFusedUniform } from '../kernels/sgd-fused';
import { kindTable, updateKernel } from '../kernels/update';
import { linearForwardRows } from '../kernels/linear-regression';
import type { ParamLayout } from '../model';
import { type Optimizer, SGD, stateArrays } from '../optim/optimizer';
import type { AdapterReport } from '../device/adapter-info';
import type { Backend, Evaluation, ModelConfig, Plan, Split, Step, VariantReport } from './backend';
import { type GpuModel, type StepBuffers, gpuModel } from './gpu-models';
import { planSpan } from './plan-span';
import { EVAL_OFFSETS, type Launch, encodeSteps, uploadEvaluationTable, uploadPlan } from './step-encoding';
import { type PlanShape, type StepVariant, type VariantChoice, TUNE_STEPS, chooseVariant } from './variants';

export { STEP_VARIANTS, type StepVariant, type VariantChoice } from './variants';

/** Buffers sized by the plan (its largest batch), made again when a plan needs more. */
interface PlanBuffers {
  rows: number;
  outputs: GPUBuffer;
  dOutputs: GPUBuffer;
}

/** WebGPU's default limit of workgroups in one dispatch dimension, which the engine's devices keep (src/device/gpu.ts raises buffer sizes only). */
export const DEFAULT_MAX_WORKGROUPS = 65535;

/**
 * The most rows of a regression split (training or test) a WebGPU engine takes: one forward
 * dispatch covers a whole split. Known before the data is read, so that a shell can refuse larger
 * data before generating or loading it (create() refuses it too).
 */
export function maxRegressionRows(): number {
  return linearForwardRows(DEFAULT_MAX_WORKGROUPS);
}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  private plan: readonly Step[] = [];
  private tables: { stepTable: GPUBuffer; rates: GPUBuffer } | undefined;
  private planBuffers: PlanBuffers | undefined;
  private partials: GPUBuffer | undefined;
  private phasePartials: GPUBuffer | undefined;
  /** the plan's batch size: it chooses the forward kernel */
  private batchSize = 1;
  private fusedTable: GPUBuffer | undefined;
  private readonly launches = new Map<StepVariant, Launch[]>();
  private configs: readonly ModelConfig[];
  /** the update kernel's constants and state arrays, made by setOptimizers */
  private update: { kernel: Kernel; pipeline: Pipeline; kinds: GPUBuffer; s1: GPUBuffer; s2: GPUBuffer } | undefined;
  private report: VariantReport | null = null;
  private readonly stride: number;
  private choice: VariantChoice;

  private constructor(
    private readonly gpu: Gpu,
    private readonly m: GpuModel,
    readonly models: number,
    choice: VariantChoice,
    private readonly buffers: Record<'params' | 'grads' | 'order' | 'identity' | 'loss' | 'lossGather' | 'evalOutputs' | 'evalTable', GPUBuffer>,
  ) {
    this.stride = modelStride(m.layout);
    this.choice = choice;
    this.configs = Array.from({ length: models }, () => ({ optimizer: SGD, lr: 1 }));
  }

  /**
   * An engine for `data` with `models` stacked configurations. It owns `gpu`: destroy() destroys it.
   * `stepVariant` says how steps run ('auto': a fixed rule; 'tune': measured; or a variant's name).
   * `tiledForward` false keeps forward.wgsl on a software adapter too (benchmarks comparing them;
   * the logits are the same bits either way).
   */
  static async create(gpu: Gpu, data: TrainingData, o: { models?: number; stepVariant?: VariantChoice; tiledForward?: boolean } = {}): Promise<WebGpuBackend> {
    const models = o.models ?? 1;
    if (!Number.isSafeInteger(models) || models < 1) throw new Error(`models must be a whole number of at least 1, got ${models}`);
    const m = await gpuModel(gpu, data, o.tiledForward ?? true);
    const train = m.sets.train!;
    const maxRows = Math.max(train.count, m.sets.test?.count ?? 0);
    const maxGroups = gpu.limits.maxComputeWorkgroupsPerDimension;
    const groups = m.forward(1, maxRows).workgroups(maxRows, m.layout);
    if (groups > maxGroups) throw new UserError(`${maxRows} examples need ${groups} workgroups in one dispatch; this adapter allows ${maxGroups}`);
    const stack = models * modelStride(m.layout) * 4;
    const buffers = {
      params: await gpu.buffer('params', stack, 'storage'),
      grads: await gpu.buffer('grads', stack, 'storage'),
      order: await gpu.buffer('order', train.count * 4, 'storage'),
      identity: await gpu.buffer('identity order', maxRows * 4, 'storage', Uint32Array.from({ length: maxRows }, (_, i) => i)),
      loss: await gpu.buffer('loss', models * train.count * 4, 'storage'),
      lossGather: await gpu.buffer('loss window', models * train.count * 4, 'storage'),
      evalOutputs: await gpu.buffer('evaluation outputs', maxRows * m.outputs * 4, 'storage'),
      evalTable: await uploadEvaluationTable(gpu, train.count, m.sets.test?.count ?? 1),
    };
    return new WebGpuBackend(gpu, m, models, o.stepVariant ?? 'auto', buffers);
  }

  get adapter(): AdapterReport {
    return this.gpu.adapter;
  }

  /** GPU memory in this engine's buffers */
  get memory(): { liveBytes: number; peakBytes: number; buffers: number } {
    return this.gpu.memory;
  }

  /** Counts the work this engine asks of its device from now until the function returned is called. */
  countWork(): () => WorkCounts {
    return this.gpu.countWork();
  }

  /** How the next plan's steps are to run (tests and benchmarks that compare variants on one engine). */
  setVariantChoice(choice: VariantChoice): void {
    this.choice = choice;
  }

  get variant(): VariantReport | null {
    return this.report;
  }

  get variantChoice(): VariantChoice {
    return this.choice;
  }

  get stepVariant(): string | null {
    return this.report?.variant ?? null;
  }

  private get layout(): ParamLayout {
    return this.m.layout;
  }

  private checkModel(k: number): void {
    if (!Number.isSafeInteger(k) || k < 0 || k >= this.models) throw new Error(`model ${k} is outside the ${this.models} stacked`);
  }

  async setParams(k: number, params: Float32Array): Promise<void> {
    this.checkModel(k);
    if (params.length !== this.layout.paddedCount) throw new Error(`expected ${this.layout.paddedCount} parameters (padded), got ${params.length}`);
    this.gpu.write(this.buffers.params, params, k * this.stride * 4);
    await this.gpu.finish();
  }

  async getParams(k: number): Promise<Float32Array> {
    this.checkModel(k);
    return new Float32Array(await this.gpu.read(this.buffers.params, this.layout.paddedCount * 4, k * this.stride * 4));
  }

  async setOptimizers(configs: readonly ModelConfig[]): Promise<void> {
    if (configs.length !== this.models) throw new Error(`${configs.length} optimisers for ${this.models} models`);
    const shared = configs[0]!.optimizer;
    const same = (o: Optimizer) => o.momentum === shared.momentum && o.beta1 === shared.beta1 && o.beta2 === shared.beta2 && o.epsilon === shared.epsilon;
    if (!configs.every((c) => same(c.optimizer))) throw new UserError('stacked configurations share their momentum, β1, β2 and ε (they are compiled into the update kernel)');
    if (this.update) for (const b of [this.update.kinds, this.update.s1, this.update.s2]) this.gpu.free(b);
    // one rule for all (always so for a single run) is compiled in
    const kinds = new Set(configs.map((c) => c.optimizer.kind));
    const kernel = updateKernel(this.models, shared, kinds.size === 1 ? configs[0]!.optimizer.kind : undefined, this.gpu.adapter.software);
    const keepsState = (n: number) => configs.some((c) => stateArrays(c.optimizer.kind).length >= n);
    // state a rule does not keep is a 16-byte placeholder
    const state = async (name: string, n: number) => this.gpu.buffer(name, keepsState(n) ? this.models * this.stride * 4 : 16, 'storage');
    this.update = {
      kernel,
      pipeline: await this.gpu.pipeline(kernel, kernel.constants(this.layout)),
      kinds: await this.gpu.buffer('optimizer kinds', this.models * 4, 'storage', kindTable(configs.map((c) => c.optimizer.kind))),
      s1: await state('optimizer state 1', 1),
      s2: await state('optimizer state 2', 2),
    };
    this.configs = configs;
    this.launches.clear();
  }

  async getOptimizerState(k: number): Promise<Float32Array[]> {
    this.checkModel(k);
    const u = this.requireUpdate();
    const arrays = [u.s1, u.s2].slice(0, stateArrays(this.configs[k]!.optimizer.kind).length);
    const out: Float32Array[] = [];
    for (const b of arrays) out.push(new Float32Array(await this.gpu.read(b, this.layout.paddedCount * 4, k * this.stride * 4)));
    return out;
  }

  async setOptimizerState(k: number, arrays: readonly Float32Array[]): Promise<void> {
    this.checkModel(k);
    const u = this.requireUpdate();
    const kind = this.configs[k]!.optimizer.kind;
    const count = stateArrays(kind).length;
    if (arrays.length !== count || arrays.some((a) => a.length !== this.layout.paddedCount)) {
      throw new Error(`${kind} keeps ${count} arrays of ${this.layout.paddedCount}; got ${arrays.length}`);
    }
    arrays.forEach((a, i) => this.gpu.write([u.s1, u.s2][i]!, a, k * this.stride * 4));
    await this.gpu.finish();
  }

  private requireUpdate(): NonNullable<WebGpuBackend['update']> {
    if (!this.update) throw new Error('setOptimizers comes first');
    return this.update;
  }

  setRates(rates: Float32Array): void {
    if (rates.length !== this.plan.length * this.models * 4) throw new Error(`rates hold ${rates.length / 4} rows for a plan of ${this.plan.length} updates of ${this.models} models`);
    this.gpu.write(this.tables!.rates, rates);
  }

  setOrder(order: Uint32Array): void {
    const count = this.m.sets.train!.count;
    if (order.length !== count) throw new Error(`order has ${order.length} entries for ${count} examples`);
    this.gpu.write(this.buffers.order, order);
  }

  async setPlan(steps: Plan, stopRequested: () => boolean): Promise<void> {
    if (!this.update) await this.setOptimizers(this.configs);
    const count = this.m.sets.train!.count;
    for (const s of steps) if (s.size < 1 || s.start + s.size > count) throw new Error(`step ${JSON.stringify(s)} is outside the ${count} training examples`);
    if (this.tables) for (const b of Object.values(this.tables)) this.gpu.free(b);
    this.tables = await uploadPlan(this.gpu, steps, this.configs, 'plan');
    this.plan = steps;
    this.gpu.pacer.forget('steps');
    this.launches.clear();
    for (const b of [this.partials, this.phasePartials, this.fusedTable]) if (b) this.gpu.free(b);
    [this.partials, this.phasePartials, this.fusedTable] = [undefined, undefined, undefined];
    this.batchSize = steps.batchSize;
    await this.sizePlanBuffers(steps.batchSize);
    const shape: PlanShape = {
      model: this.m.model.kind, models: this.models, batchSize: steps.batchSize,
      plainSgd: this.configs.every((c) => c.optimizer.kind === 'sgd'),
    };
    const tuneSteps = Math.min(TUNE_STEPS, steps.length);
    this.report = await chooseVariant(this.choice, {
      shape, adapter: this.gpu.adapter.description, software: this.gpu.adapter.software, tuneSteps, stopRequested,
      time: (variant) => this.timeVariant(variant, tuneSteps),
    });
    await this.prepare(this.report.variant as StepVariant);
  }

  private async sizePlanBuffers(largest: number): Promise<void> {
    if (this.planBuffers && this.planBuffers.rows >= largest) return;
    if (this.planBuffers) [this.planBuffers.outputs, this.planBuffers.dOutputs].forEach((b) => this.gpu.free(b));
    const bytes = largest * this.models * this.m.outputs * 4;
    this.planBuffers = { rows: largest, outputs: await this.gpu.buffer('step outputs', bytes, 'storage'), dOutputs: await this.gpu.buffer('step output gradients', bytes, 'storage') };
  }

  /** ms to run the plan's first `steps` steps as `variant`, from the current state, which is put back. */
  private async timeVariant(variant: StepVariant, steps: number): Promise<number> {
    await this.prepare(variant);
    const saved = await Promise.all(Array.from({ length: this.models }, async (_, k) => [await this.getParams(k), await this.getOptimizerState(k)] as const));
    const t0 = performance.now();
    await this.runAs(variant, 0, steps);
    const ms = performance.now() - t0;
    for (const [k, [params, state]] of saved.entries()) {
      await this.setParams(k, params);
      await this.setOptimizerState(k, state);
    }
    return ms;
  }

  /** Compiles a variant's pipelines and records its launches for this plan (once per plan). */
  private async prepare(variant: StepVariant): Promise<void> {
    if (this.launches.has(variant)) return;
    const train = this.m.sets.train!;
    const K = this.models;
    const b: StepBuffers = { order: this.buffers.order, params: this.buffers.params, outputs: this.planBuffers!.outputs, dOutputs: this.planBuffers!.dOutputs, loss: this.buffers.loss };
    const u = this.requireUpdate();
    const launch = async (kernel: Kernel, buffers: GPUBuffer[], table = this.tables!.stepTable): Promise<Launch> => {
      const pipeline = await this.gpu.pipeline(kernel, kernel.constants(this.layout));
      return { kernel, pipeline, bindGroup: this.gpu.bindGroup(pipeline, [table, ...buffers]) };
    };
    if (variant.startsWith('fused-')) {
      const w = Number(variant.slice('fused-'.length));
      if (!this.fusedTable) this.fusedTable = await this.gpu.buffer('fused runs', Math.ceil(this.plan.length / FUSED_STEPS_PER_DISPATCH) * UNIFORM_STRIDE_BYTES, 'uniform');
      const pipeline = await this.gpu.pipeline(sgdFusedKernel, fusedConstants(this.layout.rowWords, w, this.plan[0]!.size));
      const bindGroup = this.gpu.bindGroup(pipeline, [this.fusedTable, train.inputs, train.targets, b.order, b.params, b.loss, this.tables!.rates]);
      this.launches.set(variant, [{ kernel: sgdFusedKernel, pipeline, bindGroup }]);
      return;
    }
    const head = [await launch(this.m.forward(K, this.batchSize), [train.inputs, b.order, b.params, b.outputs]), await launch(this.m.lossHead(K, train.count), this.m.lossBindings(train, b))];
    const tail = await launch(u.kernel, [this.tables!.rates, u.kinds, this.buffers.grads, u.s1, u.s2, b.params]);
    if (variant.startsWith('split-k-')) {
      const chunk = Number(variant.slice('split-k-'.length));
      // sized for the most chunks any split-K variant cuts this plan's largest batch into, so that every one prepared shares it
      this.partials ??= await this.gpu.buffer('gradient partials', partialsBytes(splitChunks(this.planBuffers!.rows, Math.min(...SPLIT_CHUNKS)), this.layout), 'storage');
      this.launches.set(variant, [
        ...head,
        await launch(gradientPartialKernel(chunk), [train.inputs, b.order, b.dOutputs, this.partials]),
        await launch(gradientReduceKernel(chunk, this.gpu.adapter.software), [this.partials, this.buffers.grads]),
        tail,
      ]);
      return;
    }
    if (variant === 'register-blocked') {
      this.phasePartials ??= await this.gpu.buffer('gradient phase partials', phasePartialsBytes(PHASES, this.layout), 'storage');
      const gradientBuffers = [train.inputs, b.order, b.dOutputs, this.phasePartials];
      // rows per pass change the speed, not the bits: measured once per device
      const candidates = ROWS_PER_PASS_CHOICES.map((r) => gradientBlockedKernel(PHASES, r));
      const { kernel: gradient } = await fastestKernel(this.gpu, `gradient_blocked/${PHASES}/${this.layout.rowWords}`, candidates, this.layout, this.batchSize, gradientBuffers);
      this.launches.set(variant, [
        ...head,
        await launch(gradient, gradientBuffers),
        await launch(phaseReduceKernel(PHASES, this.gpu.adapter.software), [this.phasePartials, this.buffers.grads]),
        tail,
      ]);
      return;
    }
    this.launches.set(variant, [...head, await launch(this.m.gradient(K), [train.inputs, b.order, b.dOutputs, this.buffers.grads]), tail]);
  }

  runSteps(first: number, count: number): Promise<number[]> {
    return this.runAs(this.report!.variant as StepVariant, first, count);
  }

  private async runAs(variant: StepVariant, first: number, count: number): Promise<number[]> {
    if (first < 0 || count < 1 || first + count > this.plan.length) throw new Error(`steps ${first}..${first + count} are outside the plan of ${this.plan.length}`);
    const launches = this.launches.get(variant)!;
    const encoder = variant.startsWith('fused-') ? this.encodeFused(launches[0]!, first, count) : encodeSteps(this.gpu, this.plan, launches, this.layout, first, count, 'steps');
    // the wait for the run of steps just recorded: learned per plan, per step (setPlan forgets the last plan's)
    return this.readLosses(first, count, encoder, { key: 'steps', units: count });
  }

  /** Steps [first, first + count) as sgd_fused dispatches of up to FUSED_STEPS_PER_DISPATCH steps. */
  private encodeFused(launch: Launch, first: number, count: number): GPUCommandEncoder {
    const dispatches = Math.ceil(count / FUSED_STEPS_PER_DISPATCH);
    const table = new DataView(new ArrayBuffer(dispatches * UNIFORM_STRIDE_BYTES));
    const batch = this.plan[0]!.size;
    for (let d = 0; d < dispatches; d++) {
      const start = first + d * FUSED_STEPS_PER_DISPATCH;
      writeFusedUniform(table, d * UNIFORM_STRIDE_BYTES, { first: start, count: Math.min(FUSED_STEPS_PER_DISPATCH, first + count - start), batch, rows: this.m.sets.train!.count });
    }
    this.gpu.write(this.fusedTable!, table);
    const encoder = this.gpu.encoder(`fused steps ${first}..${first + count}`);
    const pass = encoder.beginComputePass();
    pass.setPipeline(launch.pipeline.pipeline);
    for (let d = 0; d < dispatches; d++) {
      pass.setBindGroup(0, launch.bindGroup, [d * UNIFORM_STRIDE_BYTES]);
      this.gpu.dispatch(pass, launch.pipeline, 1);
    }
    pass.end();
    return encoder;
  }

  batchLoss(first: number, count: number): Promise<number[]> {
    return this.readLosses(first, count, this.gpu.encoder('batch loss'));
  }

  /**
   * Each model's mean loss over plan steps [first, first + count): its window of the loss buffer,
   * gathered (one copy per model) on `encoder`, which is submitted with the readback, so the
   * completion of the work recorded on it and the readback are one round trip.
   */
  private async readLosses(first: number, count: number, encoder: GPUCommandEncoder, hint?: WaitHint): Promise<number[]> {
    const { from, to } = planSpan(this.plan, first, count);
    const n = to - from;
    const rows = this.m.sets.train!.count;
    let source = this.buffers.loss;
    let offset = from * 4;
    if (this.models > 1) {
      for (let k = 0; k < this.models; k++) encoder.copyBufferToBuffer(this.buffers.loss, (k * rows + from) * 4, this.buffers.lossGather, k * n * 4, n * 4);
      [source, offset] = [this.buffers.lossGather, 0];
    }
    const losses = new Float32Array(await this.gpu.read(source, this.models * n * 4, offset, encoder, hint));
    return Array.from({ length: this.models }, (_, k) => (losses.subarray(k * n, (k + 1) * n).reduce((a, x) => a + x, 0) / n) * this.m.lossScale);
  }

  async evaluate(k: number, split: Split): Promise<Evaluation> {
    this.checkModel(k);
    const set = this.m.sets[split];
    if (!set) throw new Error(`no ${split} set was loaded`);
    const forward = this.m.forward(1, set.count);
    const pipeline = await this.gpu.pipeline(forward, forward.constants(this.layout));
    const params: GPUBufferBinding = { buffer: this.buffers.params, offset: k * this.stride * 4, size: this.layout.paddedCount * 4 };
    const e = { outputs: this.buffers.evalOutputs, identity: this.buffers.identity, table: this.buffers.evalTable };
    return this.m.evaluate(this.gpu, split, (encoder) => {
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline.pipeline);
      pass.setBindGroup(0, this.gpu.bindGroup(pipeline, [e.table, set.inputs, e.identity, params, e.outputs]), [EVAL_OFFSETS[split]]);
      this.gpu.dispatch(pass, pipeline, forward.workgroups(set.count, this.layout));
      pass.end();
    }, e);
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}
