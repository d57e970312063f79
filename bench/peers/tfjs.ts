/**
 * TensorFlow.js as a peer, behind the same Backend contract as downhill's engines, so the same
 * trainer drives it with the same shuffles, batches and clocks. The model is the same linear
 * softmax (logits = x·W + b, W stored as (D, C) the TF.js way), trained with tf.train.sgd on the
 * mean softmax cross-entropy; images are float32 / 255 tensors uploaded once. runSteps ends with a
 * readback of the bias, so it resolves when the work is complete, not when it is queued.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Backend, BackendData, Evaluation, Split, Step } from '../../src/backend/backend';
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

export class TfjsBackend implements Backend {
  readonly stepVariant = null;
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

  async setParams(params: Float32Array): Promise<void> {
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
    this.optimizer?.dispose();
    this.optimizer = tf.train.sgd(steps[0]?.lr ?? 0.1);
  }

  setOrder(order: Uint32Array): void {
    this.order?.dispose();
    this.order = tf.tensor1d(Int32Array.from(order), 'int32');
  }

  /** Resolves with undefined: the peer keeps no per-example losses (divergence shows at recordings). */
  async runSteps(first: number, count: number): Promise<undefined> {
    const train = this.sets.train!;
    for (let s = first; s < first + count; s++) {
      const { start, size } = this.plan[s]!;
      tf.tidy(() => {
        const idx = tf.slice(this.order!, start, size);
        const x = tf.gather(train.x, idx);
        const y = tf.gather(train.oneHot, idx);
        this.optimizer!.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, this.w), this.b)) as tf.Scalar);
      });
    }
    await this.b.data();
    return undefined;
  }

  async evaluate(split: Split): Promise<Evaluation> {
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
