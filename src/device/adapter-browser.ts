/** Acquires a WebGPU adapter in a browser through navigator.gpu. */
import { UserError } from '../errors';
import { type AdapterReport, describeAdapter } from './adapter-info';

export async function acquireBrowserAdapter(): Promise<{ adapter: GPUAdapter; report: AdapterReport }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    throw new UserError('WebGPU is not available in this browser: use a recent Chrome or Edge, over https or localhost, with WebGPU enabled');
  }
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new UserError('the browser exposes WebGPU but granted no adapter: check chrome://gpu, or enable chrome://flags/#enable-unsafe-webgpu');
  }
  return { adapter, report: describeAdapter(adapter, 'browser') };
}
