/**
 * The optimiser's side of a WebGPU backend, shared by the classifier and regression backends:
 * the update kernel for the chosen optimiser and its state arrays on the GPU (none for SGD, a
 * velocity for momentum, two moments for Adam), zeroed when it is set, read and written for
 * checkpoints.
 */
import type { Gpu, Pipeline } from '../device/gpu';
import { adamUpdateKernel } from '../kernels/adam-update';
import type { Kernel } from '../kernels/kernel';
import { momentumUpdateKernel } from '../kernels/momentum-update';
import { sgdUpdateKernel } from '../kernels/sgd-update';
import type { ParamLayout } from '../model';
import { type Optimizer, SGD, stateArrays } from '../optim/optimizer';

export class GpuOptimizer {
  optimizer: Optimizer = SGD;
  kernel: Kernel = sgdUpdateKernel;
  pipeline: Pipeline | undefined;
  private state: GPUBuffer[] = [];

  constructor(
    private readonly gpu: Gpu,
    private readonly layout: ParamLayout,
  ) {}

  async set(optimizer: Optimizer): Promise<void> {
    for (const buffer of this.state) this.gpu.free(buffer);
    this.state = [];
    for (const name of stateArrays(optimizer.kind)) {
      this.state.push(await this.gpu.buffer(`optimizer ${name}`, this.layout.paddedCount * 4, 'storage', new Float32Array(this.layout.paddedCount)));
    }
    this.kernel = updateKernel(optimizer);
    this.pipeline = await this.gpu.pipeline(this.kernel, this.kernel.constants(this.layout));
    this.optimizer = optimizer;
  }

  /** The update's bindings after the step table: rates, grads, the state arrays, params. */
  async bindings(rates: GPUBuffer, grads: GPUBuffer, params: GPUBuffer): Promise<{ kernel: Kernel; pipeline: Pipeline; buffers: GPUBuffer[] }> {
    if (!this.pipeline) await this.set(this.optimizer);
    return { kernel: this.kernel, pipeline: this.pipeline!, buffers: [rates, grads, ...this.state, params] };
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

function updateKernel(o: Optimizer): Kernel {
  if (o.kind === 'adam') return adamUpdateKernel(o);
  if (o.kind === 'momentum' || o.kind === 'nesterov') return momentumUpdateKernel(o.momentum, o.kind === 'nesterov');
  return sgdUpdateKernel;
}
