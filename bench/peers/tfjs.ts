/**
 * TensorFlow.js as a peer, behind the same Backend contract as downhill's engines, so the same
 * trainer drives it with the same shuffles, batches and clocks. The model is the same linear
 * softmax (logits = x·W + b, W stored as (D, C) the TF.js way), trained with tf.train.sgd on the
 * mean softmax cross-entropy; images are float32 / 255 tensors uploaded once. runSteps ends with a
 * readback of the bias, so it resolves when the work is complete, not when it is queued.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Backend, BackendData, Evaluation, ModelConfig, Split, Step } from '../../src/backend/backend';
import { UserError } from '../../src/errors';
import { summarizeEvaluation } from '../../src/backend/evaluation';
import type { Dataset } from '../../src/data/dataset';
import type { AdapterReport } from '../../src/device/adapter-info';
import { CLASSES, type ParamLayout, paramLayout } from '../../src/model';

export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu';

interface Resident {
  x: tf.Tensor2D;
  oneHot: tf.Tensor2D;
  labels: Uint8Array;
  count: number;
}

/**
 * One configuration of plain SGD at a constant rate (TensorFlow.js's own optimiser); anything
 * else is refused with a UserError.
 */
export class TfjsBackend implements Backend {
  readonly models = 1;
  readonly variant = null;
  readonly stepVariant = null;
  /** each plan step's mean loss, as TensorFlow.js computed it before its update */
  private stepLosses = new Float64Array(0);
  private lr = 0.1;
  private readonly layout: ParamLayout;
  private readonly sets: Partial<Record<Split, Resident>> = {};
  private w: tf.Variable<tf.Rank.R2>;
  private b: tf.Variable<tf.Rank.R1>;
  private plan: readonly Step[] = [];
  private order: tf.Tensor1D | undefined;
  private optimizer: tf.SGDOptimizer | undefined;

  private constructor(
    readonly name: string,
    readonly adapter: AdapterReport,
    data: BackendData,
  ) {
    this.layout = paramLayout(data.train.features);
    this.sets.train = resident(data.train);
    if (data.test) this.sets.test = resident(data.test);
    this.w = tf.variable(tf.zeros([data.train.features, CLASSES]));
    this.b = tf.variable(tf.zeros([CLASSES]));
  }

  /** For 'webgpu', `gpu` is the Dawn instance downhill chose the adapter from (same adapter). */
  static async create(backend: TfjsBackendName, data: BackendData, adapter: AdapterReport, gpu?: GPU): Promise<TfjsBackend> {
    if (backend === 'webgpu') {
      if (!gpu) throw new Error('the TensorFlow.js webgpu backend needs a GPU instance');
      // the webgpu backend registers itself on import only if navigator.gpu exists
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' could not be initialised`);
    await tf.ready();
    return new TfjsBackend(`tfjs-${backend}`, adapter, data);
  }

  async setOptimizers(configs: readonly ModelConfig[]): Promise<void> {
    if (configs.length !== 1 || configs[0]!.optimizer.kind !== 'sgd') throw new UserError(`the ${this.name} peer runs one configuration of plain SGD only`);
    this.lr = configs[0]!.lr;
  }

  /** The rate of every update: the peer takes a constant one. */
  setRates(rates: Float32Array): void {
    const lr = rates[0] ?? this.lr;
    for (let s = 0; s < rates.length; s += 4) if (rates[s] !== lr) throw new UserError(`the ${this.name} peer runs plain SGD at a constant rate only`);
    // the table holds the plan's rate in float32
    if (lr === Math.fround(this.lr)) return;
    this.lr = lr;
    this.optimizer?.dispose();
    this.optimizer = tf.train.sgd(lr);
  }

  async getOptimizerState(): Promise<Float32Array[]> {
    return [];
  }

  async setOptimizerState(_k: number, arrays: readonly Float32Array[]): Promise<void> {
    if (arrays.length > 0) throw new Error('plain SGD keeps no state');
  }

  async setParams(_k: number, params: Float32Array): Promise<void> {
    const { features, biasOffset } = this.layout;
    const w = tf.tidy(() => tf.transpose(tf.tensor2d(params.subarray(0, biasOffset), [CLASSES, features])));
    this.w.assign(w as tf.Tensor2D);
    w.dispose();
    this.b.assign(tf.tensor1d(params.subarray(biasOffset, biasOffset + CLASSES)));
    await this.b.data();
  }

  async getParams(): Promise<Float32Array> {
    const { paddedCount, biasOffset } = this.layout;
    const out = new Float32Array(paddedCount);
    const wt = tf.tidy(() => tf.transpose(this.w));
    out.set(await wt.data(), 0);
    wt.dispose();
    out.set(await this.b.data(), biasOffset);
    return out;
  }

  async setPlan(steps: readonly Step[]): Promise<void> {
    this.plan = steps;
    this.stepLosses = new Float64Array(steps.length);
    this.optimizer?.dispose();
    this.optimizer = tf.train.sgd(this.lr);
  }

  setOrder(order: Uint32Array): void {
    this.order?.dispose();
    this.order = tf.tensor1d(Int32Array.from(order), 'int32');
  }

  async runSteps(first: number, count: number): Promise<number[]> {
    const train = this.sets.train!;
    const costs: tf.Scalar[] = [];
    for (let s = first; s < first + count; s++) {
      const { start, size } = this.plan[s]!;
      costs.push(tf.tidy(() => {
        const idx = tf.slice(this.order!, start, size);
        const x = tf.gather(train.x, idx);
        const y = tf.gather(train.oneHot, idx);
        return this.optimizer!.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, this.w), this.b)) as tf.Scalar, true)!;
      }));
    }
    // one readback for the run's losses, which also waits for its work
    const stacked = tf.stack(costs);
    this.stepLosses.set(await stacked.data(), first);
    tf.dispose([stacked, ...costs]);
    return this.batchLoss(first, count);
  }

  async batchLoss(first: number, count: number): Promise<number[]> {
    let sum = 0;
    let examples = 0;
    for (let s = first; s < first + count; s++) {
      sum += this.stepLosses[s]! * this.plan[s]!.size;
      examples += this.plan[s]!.size;
    }
    return [sum / examples];
  }

  async evaluate(_k: number, split: Split): Promise<Evaluation> {
    const set = this.sets[split];
    if (!set) throw new Error(`no ${split} set was loaded`);
    const [lossT, predT] = tf.tidy(() => {
      const logits = tf.add(tf.matMul(set.x, this.w), this.b);
      const loss = tf.losses.softmaxCrossEntropy(set.oneHot, logits, undefined, undefined, tf.Reduction.SUM);
      return [loss, tf.argMax(logits, 1)];
    });
    const [lossSum, predicted] = [(await lossT.data())[0]!, await predT.data()];
    tf.dispose([lossT, predT]);
    const confusion = new Uint32Array(CLASSES * CLASSES);
    for (let i = 0; i < set.count; i++) confusion[set.labels[i]! * CLASSES + predicted[i]!]!++;
    return summarizeEvaluation(set.count, lossSum, confusion);
  }

  async destroy(): Promise<void> {
    this.optimizer?.dispose();
    tf.disposeVariables();
    for (const set of Object.values(this.sets)) tf.dispose([set.x, set.oneHot]);
    this.order?.dispose();
  }
}

function resident(data: Dataset): Resident {
  const pixels = new Float32Array(data.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.images[i]! / 255;
  return {
    x: tf.tensor2d(pixels, [data.count, data.features]),
    oneHot: tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), CLASSES) as tf.Tensor2D,
    labels: data.labels,
    count: data.count,
  };
}
