/**
 * The optimiser's side of a WebGPU backend, shared by the classifier and regression backends:
 * shaders/update.wgsl for one model (base rate 1, the optimiser's code) and its state arrays on
 * the GPU (none for SGD, a velocity for momentum, two moments for Adam; a rule's unused state
 * binding gets a 16-byte placeholder), zeroed when it is set, read and written for checkpoints.
 */
import type { Gpu, Pipeline } from '../device/gpu';
import type { Kernel } from '../kernels/kernel';
import { modelTable, updateKernel } from '../kernels/update';
import type { ParamLayout } from '../model';
import { type Optimizer, SGD, stateArrays } from '../optim/optimizer';

export class GpuOptimizer {
  optimizer: Optimizer = SGD;
  kernel: Kernel = updateKernel(1, SGD);
  pipeline: Pipeline | undefined;
  private state: GPUBuffer[] = [];
  /** bound where the rule keeps no state: update.wgsl binds s1 and s2 always */
  private placeholders: GPUBuffer[] = [];
  private models: GPUBuffer | undefined;

  constructor(
    private readonly gpu: Gpu,
    private readonly layout: ParamLayout,
  ) {}

  async set(optimizer: Optimizer): Promise<void> {
    for (const buffer of [...this.state, ...this.placeholders]) this.gpu.free(buffer);
    this.state = [];
    this.placeholders = [];
    for (const name of stateArrays(optimizer.kind)) {
      this.state.push(await this.gpu.buffer(`optimizer ${name}`, this.layout.paddedCount * 4, 'storage', new Float32Array(this.layout.paddedCount)));
    }
    for (let i = this.state.length; i < 2; i++) this.placeholders.push(await this.gpu.buffer(`optimizer state ${i + 1} (unused)`, 16, 'storage'));
    if (this.models) this.gpu.free(this.models);
    // base rate 1: the rate table holds the full scheduled rate, used as it is (1 · x == x)
    this.models = await this.gpu.buffer('optimizer model', 16, 'storage', modelTable([{ lr: 1, kind: optimizer.kind }]));
    this.kernel = updateKernel(1, optimizer);
    this.pipeline = await this.gpu.pipeline(this.kernel, this.kernel.constants(this.layout));
    this.optimizer = optimizer;
  }

  /** The update's bindings after the step table: rates, the model table, grads, s1, s2, params. */
  async bindings(rates: GPUBuffer, grads: GPUBuffer, params: GPUBuffer): Promise<{ kernel: Kernel; pipeline: Pipeline; buffers: GPUBuffer[] }> {
    if (!this.pipeline) await this.set(this.optimizer);
    const [s1, s2] = [...this.state, ...this.placeholders];
    return { kernel: this.kernel, pipeline: this.pipeline!, buffers: [rates, this.models!, grads, s1!, s2!, params] };
  }

  async getState(): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const buffer of this.state) out.push(new Float32Array(await this.gpu.read(buffer, this.layout.paddedCount * 4)));
    return out;
  }

  async setState(arrays: readonly Float32Array[]): Promise<void> {
    if (arrays.length !== this.state.length || arrays.some((a) => a.length !== this.layout.paddedCount)) {
      throw new Error(`${this.optimizer.kind} keeps ${this.state.length} arrays of ${this.layout.paddedCount}; got ${arrays.length}`);
    }
    arrays.forEach((a, i) => this.gpu.write(this.state[i]!, a));
    await this.gpu.finish();
  }
}
