/** A browser WebGPU device (navigator.gpu) compiling its kernels from `shaders`. */
import { acquireBrowserAdapter } from './adapter-browser';
import { Gpu } from './gpu';
import type { ShaderSource } from './shader-source';

export async function openBrowserDeviceWith(shaders: ShaderSource): Promise<Gpu> {
  const { adapter, report } = await acquireBrowserAdapter();
  return Gpu.create(adapter, report, shaders);
}
