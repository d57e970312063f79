/**
 * downhill in the browser: the library (src/library.ts) and a WebGPU device from navigator.gpu.
 *
 *   import { openBrowserDevice, createEngine, fit, classificationData, datasetFromIdx } from 'downhill';
 *   const gpu = await openBrowserDevice();
 *   const engine = await createEngine(data, gpu);
 *
 * The WGSL comes with the entry: bundled by Vite in the repository's page (shader-files-vite.ts),
 * embedded as strings in the package's browser build, so that no bundler plugin is needed.
 */
export * from './library';
export { openBrowserDeviceWith } from './device/open-browser-with';
export type { ShaderSource } from './device/shader-source';
