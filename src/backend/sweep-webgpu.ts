/**
 * A sweep on WebGPU: K models of the classifier (each its own learning rate and optimiser, one
 * batch size and schedule) stacked in one set of buffers, so that each of a step's four
 * dispatches (forward, softmax_xent, gradient with MODELS = K, update with K models) advances
 * all of them. The data is resident once, shared with a single-model WebGpuBackend that also
 * evaluates each model in turn (its parameters copied in).
 */
import type { AdapterReport } from '../device/adapter-info';
import type { Gpu } from '../device/gpu';
import { stackedForwardKernel } from '../kernels/forward';
import { stackedGradientKernel } from '../kernels/gradient';
import { type Kernel, modelStride } from '../kernels/kernel';
import { stackedSoftmaxXentKernel } from '../kernels/softmax-xent';
import { modelTable, updateKernel } from '../kernels/update';
import { CLASSES, type ParamLayout, paramLayout } from '../model';
import type { Optimizer, OptimizerKind } from '../optim/optimizer';
import type { BackendData, Evaluation, Split, Step } from './backend';
import { planSpan } from './plan-span';
import { type Launch, encodeSteps, uploadPlan } from './step-encoding';
import { WebGpuBackend } from './webgpu';

export interface SweepModel {
  lr: number;
  optimizer: OptimizerKind;
}

export class SweepWebGpuBackend {
  private plan: readonly Step[] = [];
  private stepTable: GPUBuffer | undefined;
  private rates: GPUBuffer | undefined;
  private launches: Launch[] = [];
  private readonly stride: number;

  private constructor(
    private readonly gpu: Gpu,
    private readonly single: WebGpuBackend,
    private readonly layout: ParamLayout,
    readonly models: readonly SweepModel[],
    private readonly constants: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>,
    private readonly rows: number,
    private readonly buffers: Record<'params' | 'grads' | 's1' | 's2' | 'logits' | 'dlogits' | 'loss' | 'models' | 'order', GPUBuffer>,
  ) {
    this.stride = modelStride(layout);
  }

  get adapter(): AdapterReport {
    return this.gpu.adapter;
  }

  static async create(gpu: Gpu, data: BackendData, models: readonly SweepModel[], constants: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>, maxBatch: number): Promise<SweepWebGpuBackend> {
    const single = await WebGpuBackend.create(gpu, data);
    const layout = paramLayout(data.train.features);
    const k = models.length;
    const stack = k * modelStride(layout) * 4;
    const table = modelTable(models.map((m) => ({ lr: m.lr, kind: m.optimizer })));
    const buffers = {
      params: await gpu.buffer('sweep params', stack, 'storage'),
      grads: await gpu.buffer('sweep grads', stack, 'storage'),
      s1: await gpu.buffer('sweep optimizer state 1', stack, 'storage'),
      s2: await gpu.buffer('sweep optimizer state 2', stack, 'storage'),
      logits: await gpu.buffer('sweep logits', maxBatch * k * CLASSES * 4, 'storage'),
      dlogits: await gpu.buffer('sweep dlogits', maxBatch * k * CLASSES * 4, 'storage'),
      loss: await gpu.buffer('sweep loss', k * data.train.count * 4, 'storage'),
      models: await gpu.buffer('sweep models', table.byteLength, 'storage', table),
      order: await gpu.buffer('sweep order', data.train.count * 4, 'storage'),
    };
    return new SweepWebGpuBackend(gpu, single, layout, models, constants, data.train.count, buffers);
  }

  /** Every model starts from `params` (one model's padded layout); optimiser state at zero. */
  async reset(params: Float32Array): Promise<void> {
    const stack = new Float32Array(this.models.length * this.stride);
    for (let k = 0; k < this.models.length; k++) stack.set(params, k * this.stride);
    this.gpu.write(this.buffers.params, stack);
    const zeros = new Float32Array(stack.length);
    this.gpu.write(this.buffers.s1, zeros);
    this.gpu.write(this.buffers.s2, zeros);
    await this.gpu.finish();
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    if (this.stepTable) this.gpu.free(this.stepTable);
    if (this.rates) this.gpu.free(this.rates);
    ({ stepTable: this.stepTable, rates: this.rates } = await uploadPlan(this.gpu, steps, 'sweep'));
    this.plan = steps;
    const k = this.models.length;
    const { images, labels } = this.single.shared;
    const b = this.buffers;
    const launch = async (kernel: Kernel, buffers: GPUBuffer[]): Promise<Launch> => {
      const pipeline = await this.gpu.pipeline(kernel, kernel.constants(this.layout));
      return { kernel, pipeline, bindGroup: this.gpu.bindGroup(pipeline, [this.stepTable!, ...buffers]) };
    };
    this.launches = [
      await launch(stackedForwardKernel(k), [images, b.order, b.params, b.logits]),
      await launch(stackedSoftmaxXentKernel(k, this.rows), [b.logits, labels, b.order, b.loss, b.dlogits]),
      await launch(stackedGradientKernel(k), [images, b.order, b.dlogits, b.grads]),
      await launch(updateKernel(k, this.constants), [this.rates, b.models, b.grads, b.s1, b.s2, b.params]),
    ];
  }

  setOrder(order: Uint32Array): void {
    this.gpu.write(this.buffers.order, order);
  }

  /** (schedule factor, c1, c2, 0) per update: each model's rate is its lr times the factor. */
  setRates(rates: Float32Array): void {
    this.gpu.write(this.rates!, rates);
  }

  async runSteps(first: number, count: number): Promise<void> {
    this.gpu.submit([encodeSteps(this.gpu, this.plan, this.launches, this.layout, first, count, 'sweep steps').finish()]);
    await this.gpu.finish();
  }

  /** Each model's mean loss over plan steps [first, first + count) of this epoch, read back now. */
  async batchLosses(first: number, count: number): Promise<number[]> {
    const { from, to } = planSpan(this.plan, first, count);
    const all = new Float32Array(await this.gpu.read(this.buffers.loss, this.models.length * this.rows * 4));
    return this.models.map((_, k) => all.subarray(k * this.rows + from, k * this.rows + to).reduce((a, x) => a + x, 0) / (to - from));
  }

  async params(k: number): Promise<Float32Array> {
    return new Float32Array(await this.gpu.read(this.buffers.params, this.layout.paddedCount * 4, k * this.stride * 4));
  }

  /** Model k on a whole split: its parameters are copied into the single-model backend, which evaluates. */
  async evaluate(k: number, split: Split): Promise<Evaluation> {
    const encoder = this.gpu.encoder(`sweep model ${k}`);
    encoder.copyBufferToBuffer(this.buffers.params, k * this.stride * 4, this.single.shared.params, 0, this.layout.paddedCount * 4);
    this.gpu.submit([encoder.finish()]);
    return this.single.evaluate(split);
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}
