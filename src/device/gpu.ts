/**
 * The one module that owns a WebGPU device: buffers, pipelines, readback, errors and teardown.
 * Everything above it (kernels, the WebGPU backend) asks it for what it needs and never creates
 * raw WebGPU objects itself.
 */
import { GpuFault, UserError } from '../errors';
import type { AdapterReport } from './adapter-info';
import { type ShaderSource, kernelModule } from './shader-source';

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
}

export type BufferRole = 'storage' | 'uniform';

/** Bytes of the prelude's struct Batch as bound (src/kernels/kernel.ts writes it). */
export const BATCH_UNIFORM_BYTES = 32;

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

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterReport,
    private readonly shaders: ShaderSource,
  ) {
    Gpu.alive.devices++;
    void device.lost.then((info) => {
      if (!this.destroyed) this.lostMessage = `the GPU device was lost (${info.reason}): ${oneLine(info.message) || 'no message'}`;
    });
  }

  static async create(adapter: GPUAdapter, report: AdapterReport, shaders: ShaderSource): Promise<Gpu> {
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      label: 'downhill',
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
    return { kernel, pipeline, layout };
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
  }

  /** Resolves when all submitted work has completed on the GPU. */
  async finish(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.assertAlive();
  }

  /**
   * Copies `sizeBytes` from a storage buffer back to the CPU, waiting for completion. With an
   * `encoder` (not yet finished), the copy is recorded at its end and the encoder is submitted:
   * its work and the readback then cost one round trip.
   */
  async read(source: GPUBuffer, sizeBytes: number, offsetBytes = 0, encoder = this.encoder('readback')): Promise<ArrayBuffer> {
    this.assertAlive();
    const size = Math.ceil(sizeBytes / 4) * 4;
    const staging = this.device.createBuffer({ label: 'readback', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      encoder.copyBufferToBuffer(source, offsetBytes, staging, 0, size);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, sizeBytes);
    } catch (e) {
      this.assertAlive();
      throw e;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      staging.destroy();
    }
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

/** An implementation's multi-line message on one line, for a one-line error. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
