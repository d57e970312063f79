/**
 * The one place the page opens a WebGPU device: the browser's adapter (navigator.gpu) and its
 * device, with the same shaders/ files bundled by Vite.
 */
import type { Gpu } from './gpu';
import { openBrowserDeviceWith } from './open-browser-with';
import { viteShaderFiles } from './shader-files-vite';

export function openBrowserDevice(): Promise<Gpu> {
  return openBrowserDeviceWith(viteShaderFiles);
}
