/**
 * What both CPU backends (the classifier's, cpu.ts, and linear regression's, regression-cpu.ts)
 * share: parameters, plan, order, the optimiser, and each example's loss kept at its position
 * in the epoch. A subclass runs one step (the references of its kernels) and evaluates.
 */
import type { AdapterReport } from '../device/adapter-info';
import type { ParamLayout } from '../model';
import type { Optimizer } from '../optim/optimizer';
import type { Backend, Evaluation, Split, Step } from './backend';
import { CpuUpdate } from './cpu-update';
import { planSpan } from './plan-span';

export const CPU_ADAPTER: AdapterReport = {
  vendor: 'downhill',
  architecture: 'cpu-reference',
  device: '',
  description: 'plain TypeScript reference kernels, one thread',
  software: true,
  runtime: 'cpu',
};

export abstract class CpuBackendBase implements Backend {
  readonly name = 'cpu';
  readonly adapter = CPU_ADAPTER;
  readonly stepVariant = null;
  protected params: Float32Array;
  protected plan: readonly Step[] = [];
  protected order: Uint32Array;
  /** each example's loss at its position in the epoch, as its step computed it */
  protected readonly losses: Float64Array;
  protected readonly update: CpuUpdate;

  constructor(
    protected readonly layout: ParamLayout,
    trainCount: number,
  ) {
    this.params = new Float32Array(layout.paddedCount);
    this.order = new Uint32Array(trainCount).map((_, i) => i);
    this.losses = new Float64Array(trainCount);
    this.update = new CpuUpdate(layout.paddedCount);
  }

  /** Runs plan step s: its examples' losses into this.losses, its update into this.params. */
  protected abstract step(s: number): void;
  abstract evaluate(split: Split): Promise<Evaluation>;

  async setParams(params: Float32Array): Promise<void> {
    if (params.length !== this.layout.paddedCount) throw new Error(`expected ${this.layout.paddedCount} parameters (padded), got ${params.length}`);
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
    for (let s = first; s < first + count; s++) this.step(s);
    return this.batchLoss(first, count);
  }

  async batchLoss(first: number, count: number): Promise<number> {
    const { from, to } = planSpan(this.plan, first, count);
    return this.losses.subarray(from, to).reduce((a, x) => a + x, 0) / (to - from);
  }

  async destroy(): Promise<void> {}
}
