/**
 * Linear regression on the CPU references, one step at a time in float64 with float32
 * parameters: the baseline the WebGPU regression backend is checked against.
 */
import type { RegressionSplit } from '../data/regression';
import { linearLayout } from '../model';
import { linearForwardRef, linearGradientRef, squaredErrorRef } from '../reference/linear-regression';
import type { Evaluation, Split } from './backend';
import { CpuBackendBase } from './cpu-base';
import { regressionEvaluation } from './regression-evaluation';

export class RegressionCpuBackend extends CpuBackendBase {
  /** losses in the target's own units: the targets are standardised */
  private readonly lossScale: number;

  constructor(private readonly data: RegressionSplit) {
    super(linearLayout(data.train.dims), data.train.count);
    this.lossScale = data.targetScale.sd ** 2;
  }

  protected step(s: number): void {
    const { features, targets, dims } = this.data.train;
    const { start, size } = this.plan[s]!;
    const pred = linearForwardRef(features, dims, this.order, start, size, this.params);
    const { residual, loss } = squaredErrorRef(pred, targets, this.order, start, size);
    this.losses.set(loss, start);
    this.update.apply(s, this.params, linearGradientRef(features, dims, this.order, start, size, residual));
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const set = this.data[split];
    const identity = new Uint32Array(set.count).map((_, i) => i);
    return regressionEvaluation(linearForwardRef(set.features, set.dims, identity, 0, set.count, this.params), set.targets, set.count, this.lossScale);
  }

  override async batchLoss(first: number, count: number): Promise<number> {
    return (await super.batchLoss(first, count)) * this.lossScale;
  }
}
