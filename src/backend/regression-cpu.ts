/**
 * Linear regression on the CPU references, one step at a time in float64 with float32
 * parameters: the baseline the WebGPU regression backend is checked against.
 */
import type { RegressionSet } from '../data/regression';
import { linearLayout } from '../model';
import type { Optimizer } from '../optim/optimizer';
import { linearForwardRef, linearGradientRef, squaredErrorRef } from '../reference/linear-regression';
import type { Backend, Evaluation, Split, Step } from './backend';
import { CpuBackend } from './cpu';
import { planSpan } from './plan-span';
import { regressionEvaluation } from './regression-evaluation';
import { CpuUpdate } from './cpu-update';

export class RegressionCpuBackend implements Backend {
  readonly name = 'cpu';
  readonly adapter = CpuBackend.ADAPTER;
  private readonly update: CpuUpdate;
  private params: Float32Array;
  private plan: readonly Step[] = [];
  private order: Uint32Array;
  private readonly losses: Float64Array;

  constructor(private readonly data: { train: RegressionSet; test: RegressionSet }) {
    const layout = linearLayout(data.train.dims);
    this.params = new Float32Array(layout.paddedCount);
    this.update = new CpuUpdate(layout.paddedCount);
    this.order = new Uint32Array(data.train.count).map((_, i) => i);
    this.losses = new Float64Array(data.train.count);
  }

  async setParams(params: Float32Array): Promise<void> {
    this.params = params.slice();
  }

  async getParams(): Promise<Float32Array> {
    return this.params.slice();
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    this.plan = steps;
    this.update.setPlan(steps);
  }

  setOrder(order: Uint32Array): void {
    this.order = order.slice();
  }

  async setOptimizer(o: Optimizer): Promise<void> {
    this.update.set(o);
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

  async runSteps(first: number, count: number): Promise<number> {
    const { features, targets, dims } = this.data.train;
    for (let s = first; s < first + count; s++) {
      const { start, size } = this.plan[s]!;
      const pred = linearForwardRef(features, dims, this.order, start, size, this.params);
      const { residual, loss } = squaredErrorRef(pred, targets, this.order, start, size);
      this.losses.set(loss, start);
      this.update.apply(s, this.params, linearGradientRef(features, dims, this.order, start, size, residual));
    }
    return this.batchLoss(first, count);
  }

  async batchLoss(first: number, count: number): Promise<number> {
    const { from, to } = planSpan(this.plan, first, count);
    return this.losses.subarray(from, to).reduce((a, x) => a + x, 0) / (to - from);
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const set = this.data[split];
    const identity = new Uint32Array(set.count).map((_, i) => i);
    return regressionEvaluation(linearForwardRef(set.features, set.dims, identity, 0, set.count, this.params), set.targets, set.count);
  }

  async destroy(): Promise<void> {}
}
