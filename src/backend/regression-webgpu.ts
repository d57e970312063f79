/**
 * Linear regression on WebGPU (--task regression): features, targets, parameters and every
 * intermediate stay on the GPU; a step is linear_forward, squared_error, linear_gradient and the
 * optimiser's update, recorded with many other steps into one compute pass, as in webgpu.ts. The
 * examples' losses stay at their epoch positions until the trainer reads a window back.
 */
import type { AdapterReport } from '../device/adapter-info';
import type { Gpu } from '../device/gpu';
import type { RegressionSet, RegressionSplit } from '../data/regression';
import type { Kernel } from '../kernels/kernel';
import { linearForwardKernel, linearGradientKernel, squaredErrorKernel } from '../kernels/linear-regression';
import { type ParamLayout, linearLayout } from '../model';
import type { Optimizer } from '../optim/optimizer';
import type { Backend, Evaluation, Split, Step } from './backend';
import { GpuOptimizer } from './gpu-optimizer';
import { EVAL_OFFSETS, type Launch, encodeSteps, readMeanLoss, uploadEvaluationTable, uploadPlan } from './step-encoding';
import { regressionEvaluation } from './regression-evaluation';

interface Resident {
  features: GPUBuffer;
  targets: GPUBuffer;
  set: RegressionSet;
}

export class RegressionWebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly variant = 'four-kernels (linear regression)';
  readonly stepVariant = null;
  private plan: readonly Step[] = [];
  private stepTable: GPUBuffer | undefined;
  private rates: GPUBuffer | undefined;
  private launches: Launch[] = [];
  private readonly update: GpuOptimizer;

  private constructor(
    private readonly gpu: Gpu,
    private readonly layout: ParamLayout,
    private readonly sets: Record<Split, Resident>,
    private readonly buffers: Record<'params' | 'grads' | 'order' | 'identity' | 'pred' | 'residual' | 'loss' | 'evalTable', GPUBuffer>,
    /** losses in the target's own units: the targets are standardised */
    private readonly lossScale: number,
  ) {
    this.update = new GpuOptimizer(gpu, layout);
  }

  get adapter(): AdapterReport {
    return this.gpu.adapter;
  }

  static async create(gpu: Gpu, data: RegressionSplit): Promise<RegressionWebGpuBackend> {
    const layout = linearLayout(data.train.dims);
    const rows = Math.max(data.train.count, data.test.count);
    const upload = async (name: string, set: RegressionSet): Promise<Resident> => ({
      features: await gpu.buffer(`${name} features`, set.features.byteLength, 'storage', set.features),
      targets: await gpu.buffer(`${name} targets`, set.targets.byteLength, 'storage', set.targets),
      set,
    });
    const buffers = {
      params: await gpu.buffer('params', layout.paddedCount * 4, 'storage'),
      grads: await gpu.buffer('grads', layout.paddedCount * 4, 'storage'),
      order: await gpu.buffer('order', data.train.count * 4, 'storage'),
      identity: await gpu.buffer('identity order', rows * 4, 'storage', new Uint32Array(rows).map((_, i) => i)),
      pred: await gpu.buffer('predictions', rows * 4, 'storage'),
      residual: await gpu.buffer('residuals', data.train.count * 4, 'storage'),
      loss: await gpu.buffer('loss', rows * 4, 'storage'),
      evalTable: await uploadEvaluationTable(gpu, data.train.count, data.test.count),
    };
    return new RegressionWebGpuBackend(gpu, layout, { train: await upload('train', data.train), test: await upload('test', data.test) }, buffers, data.targetScale.sd ** 2);
  }

  async setParams(params: Float32Array): Promise<void> {
    if (params.length !== this.layout.paddedCount) throw new Error(`expected ${this.layout.paddedCount} parameters (padded), got ${params.length}`);
    this.gpu.write(this.buffers.params, params);
    await this.gpu.finish();
  }

  async getParams(): Promise<Float32Array> {
    return new Float32Array(await this.gpu.read(this.buffers.params, this.layout.paddedCount * 4));
  }

  setOptimizer(optimizer: Optimizer): Promise<void> {
    return this.update.set(optimizer);
  }

  getOptimizerState(): Promise<Float32Array[]> {
    return this.update.getState();
  }

  setOptimizerState(arrays: readonly Float32Array[]): Promise<void> {
    return this.update.setState(arrays);
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    const count = this.sets.train.set.count;
    for (const s of steps) if (s.size < 1 || s.start + s.size > count) throw new Error(`step ${JSON.stringify(s)} is outside the ${count} training examples`);
    if (this.stepTable) this.gpu.free(this.stepTable);
    if (this.rates) this.gpu.free(this.rates);
    ({ stepTable: this.stepTable, rates: this.rates } = await uploadPlan(this.gpu, steps, 'regression plan'));
    this.plan = steps;
    const { features, targets } = this.sets.train;
    const b = this.buffers;
    const u = await this.update.bindings(this.rates, b.grads, b.params);
    const launch = async (kernel: Kernel, buffers: GPUBuffer[]): Promise<Launch> => {
      const pipeline = await this.gpu.pipeline(kernel, kernel.constants(this.layout));
      return { kernel, pipeline, bindGroup: this.gpu.bindGroup(pipeline, [this.stepTable!, ...buffers]) };
    };
    this.launches = [
      await launch(linearForwardKernel, [features, b.order, b.params, b.pred]),
      await launch(squaredErrorKernel, [b.pred, targets, b.order, b.residual, b.loss]),
      await launch(linearGradientKernel, [features, b.order, b.residual, b.grads]),
      { kernel: u.kernel, pipeline: u.pipeline, bindGroup: this.gpu.bindGroup(u.pipeline, [this.stepTable, ...u.buffers]) },
    ];
  }

  setOrder(order: Uint32Array): void {
    this.gpu.write(this.buffers.order, order);
  }

  setRates(rates: Float32Array): void {
    this.gpu.write(this.rates!, rates);
  }

  async runSteps(first: number, count: number): Promise<number> {
    const encoder = encodeSteps(this.gpu, this.plan, this.launches, this.layout, first, count, 'regression steps');
    return (await readMeanLoss(this.gpu, this.buffers.loss, this.plan, first, count, encoder)) * this.lossScale;
  }

  async batchLoss(first: number, count: number): Promise<number> {
    return (await readMeanLoss(this.gpu, this.buffers.loss, this.plan, first, count)) * this.lossScale;
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const { features, set } = this.sets[split];
    const b = this.buffers;
    const pipeline = await this.gpu.pipeline(linearForwardKernel, linearForwardKernel.constants(this.layout));
    const encoder = this.gpu.encoder(`evaluate ${split}`);
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline.pipeline);
    pass.setBindGroup(0, this.gpu.bindGroup(pipeline, [b.evalTable, features, b.identity, b.params, b.pred]), [EVAL_OFFSETS[split]]);
    pass.dispatchWorkgroups(linearForwardKernel.workgroups(set.count, this.layout));
    pass.end();
    const pred = new Float32Array(await this.gpu.read(b.pred, set.count * 4, 0, encoder));
    return regressionEvaluation(pred, set.targets, set.count, this.lossScale);
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}
