/**
 * The one place the page opens a WebGPU device: the browser's adapter (navigator.gpu) and its
 * device, with the same shaders/ files bundled by Vite.
 */
import { acquireBrowserAdapter } from './adapter-browser';
import { Gpu } from './gpu';
import { viteShaderFiles } from './shader-files-vite';

export async function openBrowserDevice(): Promise<Gpu> {
  const { adapter, report } = await acquireBrowserAdapter();
  return Gpu.create(adapter, report, viteShaderFiles);
}
