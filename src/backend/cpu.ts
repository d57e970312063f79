/**
 * The CPU engine: the kernels' plain TypeScript references (src/reference/) run one after
 * another, in float64 with parameters stored as float32 like on the GPU, for either model and
 * any number K of configurations (each its own parameters, optimiser and rate, on the same
 * batches). Slow, simple and obviously right: the baseline the WebGPU engine is checked against.
 */
import type { Dataset } from '../data/dataset';
import { type RegressionSet, lossFactor } from '../data/regression';
import type { TrainingData } from '../data/training-data';
import type { AdapterReport } from '../device/adapter-info';
import { MODELS, type ParamLayout } from '../model';
import { SGD, stateArrays } from '../optim/optimizer';
import { baseRates } from '../optim/rates';
import { evaluateRef } from '../reference/evaluate';
import { forwardRef } from '../reference/forward';
import { gradientRef } from '../reference/gradient';
import { linearForwardRef, linearGradientRef, squaredErrorRef } from '../reference/linear-regression';
import { softmaxXentRef } from '../reference/softmax-xent';
import { updateRef } from '../reference/update';
import type { Backend, Evaluation, ModelConfig, Split, Step, VariantReport } from './backend';
import { summarizeEvaluation } from './evaluation';
import { planSpan } from './plan-span';
import { regressionEvaluation } from './regression-evaluation';

export const CPU_ADAPTER: AdapterReport = {
  vendor: 'downhill',
  architecture: 'cpu-reference',
  device: '',
  description: 'plain TypeScript reference kernels, one thread',
  software: true,
  runtime: 'cpu',
};

/** One model's step and evaluation on the references. */
interface CpuModel {
  layout: ParamLayout;
  trainCount: number;
  /**
   * the per-example losses are reported times this: regression's targets are standardised (the
   * step's losses already carry mse's factor of 2, so this is the target's variance alone)
   */
  lossScale: number;
  /** plan step [start, start + size) of `order` with `params`: each example's loss, and the gradient */
  step(order: Uint32Array, start: number, size: number, params: Float32Array): { loss: ArrayLike<number>; grads: ArrayLike<number> };
  evaluate(split: Split, params: Float32Array): Evaluation;
}

function cpuModel(data: TrainingData): CpuModel {
  const layout = MODELS[data.task].layout(data.features);
  if (data.task === 'classification') {
    const sets: Partial<Record<Split, Dataset>> = { train: data.train, ...(data.test ? { test: data.test } : {}) };
    const { images, labels, features } = data.train;
    return {
      layout, trainCount: data.trainCount, lossScale: 1,
      step(order, start, size, params) {
        const logits = forwardRef(images, features, order, start, size, params);
        const { loss, dlogits } = softmaxXentRef(logits, labels, order, start, size);
        return { loss, grads: gradientRef(images, features, order, start, size, dlogits) };
      },
      evaluate(split, params) {
        const set = sets[split];
        if (!set) throw new Error(`no ${split} set was loaded`);
        const identity = Uint32Array.from({ length: set.count }, (_, i) => i);
        const { lossSum, confusion } = evaluateRef(forwardRef(set.images, set.features, identity, 0, set.count, params), set.labels, identity, 0, set.count);
        return summarizeEvaluation(set.count, lossSum, confusion);
      },
    };
  }
  const sets: Record<Split, RegressionSet> = data.split;
  const { features, targets, dims } = data.split.train;
  const { loss: lossKind, intercept } = data.objective;
  const lossScale = data.split.targetScale.sd ** 2;
  // the evaluation's loss is Σ(ŷ − y)² / 2n: mse is twice that
  const evaluationScale = lossScale * lossFactor(lossKind);
  return {
    layout, trainCount: data.trainCount, lossScale,
    step(order, start, size, params) {
      const pred = linearForwardRef(features, dims, order, start, size, params);
      const { residual, loss } = squaredErrorRef(pred, targets, order, start, size, lossFactor(lossKind));
      return { loss, grads: linearGradientRef(features, dims, order, start, size, residual, intercept) };
    },
    evaluate(split, params) {
      const set = sets[split];
      const identity = Uint32Array.from({ length: set.count }, (_, i) => i);
      return regressionEvaluation(linearForwardRef(set.features, set.dims, identity, 0, set.count, params), set.targets, set.count, evaluationScale, data.split.targetScale);
    },
  };
}

interface Configuration {
  config: ModelConfig;
  params: Float32Array<ArrayBufferLike>;
  state: Float32Array[];
  /** each example's loss at its position in the epoch, as its step computed it */
  losses: Float64Array;
}

const NO_STATE = new Float32Array(0);

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly adapter = CPU_ADAPTER;
  readonly variant: VariantReport | null = null;
  readonly stepVariant = null;
  private readonly m: CpuModel;
  private plan: readonly Step[] = [];
  private order: Uint32Array;
  /** (lr, c1, c2, 0) per update of the epoch and configuration (src/optim/rates.ts) */
  private rates: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private readonly configurations: Configuration[];

  constructor(data: TrainingData, readonly models = 1) {
    this.m = cpuModel(data);
    this.order = Uint32Array.from({ length: this.m.trainCount }, (_, i) => i);
    this.configurations = Array.from({ length: models }, () => ({
      config: { optimizer: SGD, lr: 1 }, params: new Float32Array(this.m.layout.paddedCount), state: [], losses: new Float64Array(this.m.trainCount),
    }));
  }

  private at(k: number): Configuration {
    const c = this.configurations[k];
    if (!c) throw new Error(`model ${k} is outside the ${this.models} stacked`);
    return c;
  }

  async setOptimizers(configs: readonly ModelConfig[]): Promise<void> {
    if (configs.length !== this.models) throw new Error(`${configs.length} optimisers for ${this.models} models`);
    configs.forEach((config, k) => {
      const c = this.at(k);
      c.config = config;
      c.state = stateArrays(config.optimizer.kind).map(() => new Float32Array(this.m.layout.paddedCount));
    });
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    this.plan = steps;
    this.rates = baseRates(steps.length, this.configurations.map((c) => c.config));
  }

  setOrder(order: Uint32Array): void {
    this.order = order.slice();
  }

  setRates(rates: Float32Array): void {
    this.rates = rates.slice();
  }

  async setParams(k: number, params: Float32Array): Promise<void> {
    if (params.length !== this.m.layout.paddedCount) throw new Error(`expected ${this.m.layout.paddedCount} parameters (padded), got ${params.length}`);
    this.at(k).params = params.slice();
  }

  async getParams(k: number): Promise<Float32Array> {
    return this.at(k).params.slice();
  }

  async getOptimizerState(k: number): Promise<Float32Array[]> {
    return this.at(k).state.map((a) => a.slice());
  }

  async setOptimizerState(k: number, arrays: readonly Float32Array[]): Promise<void> {
    const c = this.at(k);
    const count = stateArrays(c.config.optimizer.kind).length;
    if (arrays.length !== count || arrays.some((a) => a.length !== this.m.layout.paddedCount)) {
      throw new Error(`${c.config.optimizer.kind} keeps ${count} arrays of ${this.m.layout.paddedCount}; got ${arrays.length}`);
    }
    c.state = arrays.map((a) => a.slice());
  }

  async runSteps(first: number, count: number): Promise<number[]> {
    for (let s = first; s < first + count; s++) {
      const { start, size } = this.plan[s]!;
      this.configurations.forEach((c, k) => {
        const { loss, grads } = this.m.step(this.order, start, size, c.params);
        c.losses.set(loss, start);
        const [lr, c1, c2] = this.rates.subarray(4 * (s * this.models + k));
        updateRef(c.config.optimizer, c.params, c.state[0] ?? NO_STATE, c.state[1] ?? NO_STATE, grads, { lr: lr!, c1: c1!, c2: c2! });
      });
    }
    return this.batchLoss(first, count);
  }

  async batchLoss(first: number, count: number): Promise<number[]> {
    const { from, to } = planSpan(this.plan, first, count);
    return this.configurations.map((c) => (c.losses.subarray(from, to).reduce((a, x) => a + x, 0) / (to - from)) * this.m.lossScale);
  }

  async evaluate(k: number, split: Split): Promise<Evaluation> {
    return this.m.evaluate(split, this.at(k).params);
  }

  async destroy(): Promise<void> {}
}
