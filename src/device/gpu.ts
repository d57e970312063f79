/**
 * The one module that owns a WebGPU device: buffers, pipelines, readback, errors and teardown.
 * Everything above it (kernels, the WebGPU backend) asks it for what it needs and never creates
 * raw WebGPU objects itself.
 */
import { GpuFault, UserError } from '../errors';
import { environmentChoice } from '../environment-variables';
import type { AdapterReport } from './adapter-info';
import { type PassTimer, passTimer } from './pass-timer';
import { type ShaderSource, kernelModule } from './shader-source';
import { type WaitHint, WaitPacer } from './wait-pacer';

export type { PassTimer } from './pass-timer';
export type { WaitHint } from './wait-pacer';

/** How a kernel sees each binding, in binding order (group 0). */
export type BindingKind = 'uniform' | 'uniform-dynamic' | 'read' | 'read-write';

export interface KernelSpec {
  /** name used in errors and labels */
  name: string;
  /** file in shaders/, compiled after shaders/prelude.wgsl */
  file: string;
  bindings: readonly BindingKind[];
  /** bytes of a 'uniform-dynamic' binding's struct (default 32: the prelude's struct Batch) */
  uniformBytes?: number;
  /** register-tile sizes the file is expanded with (shader-source.ts, expandRepeats) */
  repeat?: Readonly<Record<string, number>>;
}

export interface Pipeline {
  kernel: KernelSpec;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** invocations per workgroup (WORKGROUP_SIZE, as given or the shader's default) */
  workgroupSize: number;
}

/**
 * What the device was asked to do while counting (Gpu.countWork): the fixed costs that decide a
 * step's price on a GPU beside its arithmetic. Counted where the calls are made; nothing is
 * counted, and nothing costs more than a null check, when no one counts.
 */
export interface WorkCounts {
  dispatches: number;
  /** queue.submit calls (a readback's own submit included) */
  submits: number;
  /** awaited completions: mapAsync of a readback, onSubmittedWorkDone */
  waits: number;
  readbackBytes: number;
  /** per kernel name: its dispatches, their workgroups in all, and its workgroup size */
  kernels: Record<string, { dispatches: number; workgroups: number; workgroupSize: number }>;
}

export function emptyWorkCounts(): WorkCounts {
  return { dispatches: 0, submits: 0, waits: 0, readbackBytes: 0, kernels: {} };
}

export type BufferRole = 'storage' | 'uniform';

/** Bytes of the prelude's struct Batch as bound (src/kernels/kernel.ts writes it). */
export const BATCH_UNIFORM_BYTES = 16;

/** Size of one entry in a table of uniforms addressed with dynamic offsets. */
export const UNIFORM_STRIDE_BYTES = 256;

export class Gpu {
  /** buffers and devices alive across every Gpu in this process (endurance checks read it) */
  static readonly alive = { devices: 0, buffers: 0, bytes: 0 };
  private readonly buffers = new Set<GPUBuffer>();
  private liveBytes = 0;
  private peakBytes = 0;
  private readonly pipelines = new Map<string, Promise<Pipeline>>();
  private lostMessage: string | undefined;
  private destroyed = false;
  private counts: WorkCounts | null = null;
  /** sleeps through most of a wait instead of letting dawn-node spin (wait-pacer.ts) */
  readonly pacer: WaitPacer;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterReport,
    private readonly shaders: ShaderSource,
  ) {
    Gpu.alive.devices++;
    // DOWNHILL_WAIT_PACER=off: to measure what the pacer saves (Node only; browsers never need it)
    this.pacer = new WaitPacer(adapter.runtime === 'dawn-node' && environmentChoice('DOWNHILL_WAIT_PACER', ['on', 'off']) !== 'off');
    void device.lost.then((info) => {
      if (!this.destroyed) this.lostMessage = `the GPU device was lost (${info.reason}): ${oneLine(info.message) || 'no message'}`;
    });
  }

  /** `timestamps`: request 'timestamp-query' where the adapter offers it (default true; false: a device without, as tests need) */
  static async create(adapter: GPUAdapter, report: AdapterReport, shaders: ShaderSource, o: { timestamps?: boolean } = {}): Promise<Gpu> {
    const limits = adapter.limits;
    const timestamps = (o.timestamps ?? true) && adapter.features.has('timestamp-query');
    const device = await adapter.requestDevice({
      label: 'downhill',
      requiredFeatures: timestamps ? ['timestamp-query'] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
    return new Gpu(device, report, shaders);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** whether passes can write GPU timestamps (the device has 'timestamp-query'): see timer() */
  get timestamps(): boolean {
    return this.device.features.has('timestamp-query');
  }

  /**
   * Starts counting the work asked of this device (WorkCounts); the function returned stops and
   * returns the counts. One count at a time.
   */
  countWork(): () => WorkCounts {
    if (this.counts) throw new Error('work is already being counted on this device');
    const counts = (this.counts = emptyWorkCounts());
    return () => {
      if (this.counts === counts) this.counts = null;
      return counts;
    };
  }

  /** Records a dispatch of `workgroups` workgroups of the pipeline set on `pass`, counting it. */
  dispatch(pass: GPUComputePassEncoder, p: Pipeline, workgroups: number): void {
    pass.dispatchWorkgroups(workgroups);
    const c = this.counts;
    if (!c) return;
    c.dispatches++;
    const k = (c.kernels[p.kernel.name] ??= { dispatches: 0, workgroups: 0, workgroupSize: p.workgroupSize });
    k.dispatches++;
    k.workgroups += workgroups;
  }

  /** Throws if the device was lost; call before work that would otherwise fail obscurely. */
  assertAlive(): void {
    if (this.lostMessage) throw new GpuFault(this.lostMessage);
    if (this.destroyed) throw new Error('the GPU device was already destroyed');
  }

  /** Allocates a buffer, checking the adapter's limits first and reporting needed vs allowed. */
  async buffer(label: string, sizeBytes: number, role: BufferRole, data?: ArrayBufferView): Promise<GPUBuffer> {
    this.assertAlive();
    const size = Math.max(16, Math.ceil(sizeBytes / 16) * 16);
    const maxBinding = role === 'uniform' ? this.limits.maxUniformBufferBindingSize : this.limits.maxStorageBufferBindingSize;
    if (size > this.limits.maxBufferSize || (role === 'storage' && size > maxBinding)) {
      throw new UserError(
        `buffer '${label}' needs ${size} bytes, but this adapter allows at most ${Math.min(this.limits.maxBufferSize, maxBinding)}`,
      );
    }
    const usage =
      role === 'uniform'
        ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST
        : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffer = this.device.createBuffer({ label, size, usage });
    const [validation, oom] = [await this.device.popErrorScope(), await this.device.popErrorScope()];
    if (oom) {
      buffer.destroy();
      throw new GpuFault(`out of GPU memory: buffer '${label}' needs ${size} bytes, with ${this.liveBytes} bytes already in use by downhill (${oneLine(oom.message)})`);
    }
    if (validation) {
      buffer.destroy();
      throw new Error(`could not allocate buffer '${label}' (${size} bytes): ${validation.message}`);
    }
    this.buffers.add(buffer);
    Gpu.alive.buffers++;
    Gpu.alive.bytes += size;
    this.liveBytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
    if (data) this.write(buffer, data);
    return buffer;
  }

  write(buffer: GPUBuffer, data: ArrayBufferView, offsetBytes = 0): void {
    this.device.queue.writeBuffer(buffer, offsetBytes, data.buffer, data.byteOffset, data.byteLength);
  }

  free(buffer: GPUBuffer): void {
    if (this.buffers.delete(buffer)) {
      Gpu.alive.buffers--;
      Gpu.alive.bytes -= buffer.size;
      this.liveBytes -= buffer.size;
      buffer.destroy();
    }
  }

  /** Bytes in buffers allocated through this module (readback staging excluded): now and at most. */
  get memory(): { liveBytes: number; peakBytes: number; buffers: number } {
    return { liveBytes: this.liveBytes, peakBytes: this.peakBytes, buffers: this.buffers.size };
  }

  /** Compiles a kernel (cached per constants), turning compile errors into file:line:col messages. */
  pipeline(kernel: KernelSpec, constants: Record<string, number> = {}): Promise<Pipeline> {
    const key = `${kernel.file}|${JSON.stringify(kernel.repeat ?? {})}|${JSON.stringify(constants)}`;
    let cached = this.pipelines.get(key);
    if (!cached) {
      cached = this.compile(kernel, constants);
      this.pipelines.set(key, cached);
    }
    return cached;
  }

  private async compile(kernel: KernelSpec, constants: Record<string, number>): Promise<Pipeline> {
    this.assertAlive();
    const { code, locate } = kernelModule(this.shaders, kernel.file, kernel.repeat);
    const module = this.device.createShaderModule({ label: kernel.file, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const lines = code.split('\n');
      const where = (line: number, column: number) => {
        if (line < 1) return `shaders/${kernel.file}`;
        const at = locate(line);
        return `shaders/${at.file}:${at.line}:${column}`;
      };
      const text = errors
        .map((m) => `${where(m.lineNum, m.linePos)}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`)
        .join('\n');
      throw new Error(`kernel '${kernel.name}' failed to compile:\n${text}`);
    }
    const layout = this.device.createBindGroupLayout({
      label: `${kernel.name} bindings`,
      entries: kernel.bindings.map((kind, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: {
          type: kind === 'read' ? 'read-only-storage' : kind === 'read-write' ? 'storage' : 'uniform',
          hasDynamicOffset: kind === 'uniform-dynamic',
        },
      })),
    });
    // Synchronous creation inside an error scope: a failure comes back as a message we can name.
    this.device.pushErrorScope('validation');
    const pipeline = this.device.createComputePipeline({
      label: kernel.name,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants },
    });
    const error = await this.device.popErrorScope();
    if (error) {
      throw new Error(`kernel '${kernel.name}' (shaders/${kernel.file}) could not be built with constants ${JSON.stringify(constants)}: ${error.message}`);
    }
    return { kernel, pipeline, layout, workgroupSize: workgroupSize(code, constants) };
  }

  /** Binds buffers in the kernel's binding order; dynamic uniforms bind one UNIFORM_STRIDE_BYTES entry. */
  /** A bind group of whole buffers, or of ranges ({ buffer, offset, size }: one model of a sweep's stack). */
  bindGroup(p: Pipeline, buffers: ReadonlyArray<GPUBuffer | GPUBufferBinding>): GPUBindGroup {
    if (buffers.length !== p.kernel.bindings.length) {
      throw new Error(`kernel '${p.kernel.name}' takes ${p.kernel.bindings.length} bindings, got ${buffers.length}`);
    }
    return this.device.createBindGroup({
      label: p.kernel.name,
      layout: p.layout,
      entries: buffers.map((b, binding) => {
        const range: GPUBufferBinding = 'buffer' in b ? b : { buffer: b };
        return { binding, resource: p.kernel.bindings[binding] === 'uniform-dynamic' ? { buffer: range.buffer, size: p.kernel.uniformBytes ?? BATCH_UNIFORM_BYTES } : range };
      }),
    });
  }

  encoder(label: string): GPUCommandEncoder {
    this.assertAlive();
    return this.device.createCommandEncoder({ label });
  }

  submit(commands: GPUCommandBuffer[]): void {
    this.assertAlive();
    this.device.queue.submit(commands);
    if (this.counts) this.counts.submits++;
  }

  /** Resolves when all submitted work has completed on the GPU (`hint`: what the wait is for, see wait-pacer.ts). */
  async finish(hint?: WaitHint): Promise<void> {
    if (this.counts) this.counts.waits++;
    const started = await this.pacer.sleepBefore(hint);
    await this.device.queue.onSubmittedWorkDone();
    this.pacer.learn(hint, started);
    this.assertAlive();
  }

  /**
   * Copies `sizeBytes` from a storage buffer back to the CPU, waiting for completion. With an
   * `encoder` (not yet finished), the copy is recorded at its end and the encoder is submitted:
   * its work and the readback then cost one round trip.
   */
  async read(source: GPUBuffer, sizeBytes: number, offsetBytes = 0, encoder = this.encoder('readback'), hint?: WaitHint): Promise<ArrayBuffer> {
    this.assertAlive();
    const size = Math.ceil(sizeBytes / 4) * 4;
    const staging = this.device.createBuffer({ label: 'readback', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      encoder.copyBufferToBuffer(source, offsetBytes, staging, 0, size);
      this.device.queue.submit([encoder.finish()]);
      if (this.counts) {
        this.counts.submits++;
        this.counts.waits++;
        this.counts.readbackBytes += sizeBytes;
      }
      const started = await this.pacer.sleepBefore(hint);
      await staging.mapAsync(GPUMapMode.READ);
      this.pacer.learn(hint, started);
      return staging.getMappedRange().slice(0, sizeBytes);
    } catch (e) {
      this.assertAlive();
      throw e;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      staging.destroy();
    }
  }

  /** A timer for one submission's passes, or null where the device has no timestamp queries. */
  timer(): PassTimer | null {
    if (!this.timestamps) return null;
    this.assertAlive();
    return passTimer(this.device, (buffer) => this.read(buffer, 16));
  }

  /** Waits for pending work, then destroys every buffer and the device. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    if (!this.lostMessage) await this.device.queue.onSubmittedWorkDone().catch(() => undefined);
    this.destroyed = true;
    for (const b of this.buffers) {
      b.destroy();
      Gpu.alive.buffers--;
      Gpu.alive.bytes -= b.size;
    }
    this.buffers.clear();
    this.liveBytes = 0;
    Gpu.alive.devices--;
    this.pipelines.clear();
    this.device.destroy();
  }
}


/** The workgroup size a pipeline was built with: its WORKGROUP_SIZE constant, or the WGSL's default. */
function workgroupSize(code: string, constants: Record<string, number>): number {
  if (constants.WORKGROUP_SIZE !== undefined) return constants.WORKGROUP_SIZE;
  const byDefault = /override\s+WORKGROUP_SIZE\s*:\s*u32\s*=\s*(\d+)u?/.exec(code) ?? /@workgroup_size\((\d+)\)/.exec(code);
  return byDefault ? Number(byDefault[1]) : 1;
}

/** An implementation's multi-line message on one line, for a one-line error. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
