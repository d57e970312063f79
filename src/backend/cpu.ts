/**
 * The CPU backend: the kernels' plain TypeScript references run one after another, in float64
 * with parameters stored as float32 like on the GPU. Slow, simple and obviously right: the
 * baseline the WebGPU backend is measured and checked against.
 */
import type { Dataset } from '../data/dataset';
import { paramLayout } from '../model';
import { evaluateRef } from '../reference/evaluate';
import { forwardRef } from '../reference/forward';
import { gradientRef } from '../reference/gradient';
import { softmaxXentRef } from '../reference/softmax-xent';
import { CpuBackendBase } from './cpu-base';
import type { BackendData, Evaluation, Split } from './backend';
import { summarizeEvaluation } from './evaluation';

export class CpuBackend extends CpuBackendBase {
  constructor(private readonly data: BackendData) {
    super(paramLayout(data.train.features), data.train.count);
  }

  protected step(s: number): void {
    const { images, labels, features } = this.data.train;
    const { start, size } = this.plan[s]!;
    const logits = forwardRef(images, features, this.order, start, size, this.params);
    const { loss, dlogits } = softmaxXentRef(logits, labels, this.order, start, size);
    this.losses.set(loss, start);
    this.update.apply(s, this.params, gradientRef(images, features, this.order, start, size, dlogits));
  }

  async evaluate(split: Split): Promise<Evaluation> {
    const set: Dataset | undefined = this.data[split];
    if (!set) throw new Error(`no ${split} set was loaded`);
    const identity = new Uint32Array(set.count).map((_, i) => i);
    const logits = forwardRef(set.images, set.features, identity, 0, set.count, this.params);
    const { lossSum, confusion } = evaluateRef(logits, set.labels, identity, 0, set.count);
    return summarizeEvaluation(set.count, lossSum, confusion);
  }

}
