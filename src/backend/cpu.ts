/**
 * The CPU backend: the kernels' plain TypeScript references run one after another, in float64
 * with parameters stored as float32 like on the GPU. Slow, simple and obviously right: the
 * baseline the WebGPU backend is measured and checked against.
 */
import type { AdapterReport } from '../device/adapter-info';
import type { Dataset } from '../data/dataset';
import { type ParamLayout, paramLayout } from '../model';
import { evaluateRef } from '../reference/evaluate';
import { forwardRef } from '../reference/forward';
import { gradientRef } from '../reference/gradient';
import type { Optimizer } from '../optim/optimizer';
import { CpuUpdate } from './cpu-update';
import { softmaxXentRef } from '../reference/softmax-xent';
import type { Backend, BackendData, Evaluation, Split, Step } from './backend';
import { summarizeEvaluation } from './evaluation';
import { planSpan } from './plan-span';

const CPU_ADAPTER: AdapterReport = {
  vendor: 'downhill',
  architecture: 'cpu-reference',
  device: '',
  description: 'plain TypeScript reference kernels, one thread',
  software: true,
  runtime: 'cpu',
};

export class CpuBackend implements Backend {
  static readonly ADAPTER = CPU_ADAPTER;
  readonly name = 'cpu';
  readonly adapter = CPU_ADAPTER;
  private readonly layout: ParamLayout;
  private params: Float32Array;
  private plan: readonly Step[] = [];
  private order: Uint32Array;
  /** each example's loss at its position in the epoch, as its step computed it */
  private readonly losses: Float64Array;
  private readonly update: CpuUpdate;

  constructor(private readonly data: BackendData) {
    this.layout = paramLayout(data.train.features);
    this.params = new Float32Array(this.layout.paddedCount);
    this.order = new Uint32Array(data.train.count).map((_, i) => i);
    this.losses = new Float64Array(data.train.count);
    this.update = new CpuUpdate(this.layout.paddedCount);
  }

  async setParams(params: Float32Array): Promise<void> {
    if (params.length !== this.layout.paddedCount) {
      throw new Error(`expected ${this.layout.paddedCount} parameters (padded), got ${params.length}`);
    }
    this.params = params.slice();
  }

  async getParams(): Promise<Float32Array> {
    return this.params.slice();
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    this.plan = steps;
    this.update.setPlan(steps);
  }

  async setOptimizer(optimizer: Optimizer): Promise<void> {
    this.update.set(optimizer);
  }

  setRates(rates: Float32Array): void {
    this.update.setRates(rates);
  }

  async getOptimizerState(): Promise<Float32Array[]> {
    return this.update.getState();
  }

  async setOptimizerState(arrays: readonly Float32Array[]): Promise<void> {
    this.update.setState(arrays);
  }

  setOrder(order: Uint32Array): void {
    this.order = order.slice();
  }

  async runSteps(first: number, count: number): Promise<number> {
    const { images, labels, features } = this.data.train;
    for (let s = first; s < first + count; s++) {
      const { start, size } = this.plan[s]!;
      const logits = forwardRef(images, features, this.order, start, size, this.params);
      const { loss, dlogits } = softmaxXentRef(logits, labels, this.order, start, size);
      this.losses.set(loss, start);
      this.update.apply(s, this.params, gradientRef(images, features, this.order, start, size, dlogits));
    }
    return this.batchLoss(first, count);
  }

  async batchLoss(first: number, count: number): Promise<number> {
    const { from, to } = planSpan(this.plan, first, count);
    return this.losses.subarray(from, to).reduce((a, x) => a + x, 0) / (to - from);
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const set: Dataset | undefined = this.data[split];
    if (!set) throw new Error(`no ${split} set was loaded`);
    const identity = new Uint32Array(set.count).map((_, i) => i);
    const logits = forwardRef(set.images, set.features, identity, 0, set.count, this.params);
    const { lossSum, confusion } = evaluateRef(logits, set.labels, identity, 0, set.count);
    return summarizeEvaluation(set.count, lossSum, confusion);
  }

  async destroy(): Promise<void> {}
}
