/** Opens the backend a command asked for: WebGPU through dawn-node, or the CPU reference. */
import type { Backend, BackendData } from '../backend/backend';
import { CpuBackend } from '../backend/cpu';
import { type VariantChoice, WebGpuBackend } from '../backend/webgpu';
import { adapterLabel } from '../device/adapter-info';
import { type AdapterChoice, acquireNodeAdapter } from '../device/adapter-node';
import { Gpu } from '../device/gpu';
import { nodeShaderFiles } from '../device/shader-files-node';

export type BackendChoice = 'webgpu' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['webgpu', 'cpu'];

export async function openBackend(choice: BackendChoice, adapter: AdapterChoice, data: BackendData, stepVariant: VariantChoice = 'auto'): Promise<{ backend: Backend; line: string }> {
  if (choice === 'cpu') {
    const backend = new CpuBackend(data);
    return { backend, line: `backend: cpu (${backend.adapter.description})` };
  }
  const found = await acquireNodeAdapter(adapter);
  const gpu = await Gpu.create(found.adapter, found.report, nodeShaderFiles);
  try {
    const backend = await WebGpuBackend.create(gpu, data);
    backend.variantChoice = stepVariant;
    return { backend, line: `backend: webgpu on ${adapterLabel(found.report)}; ${found.note}` };
  } catch (e) {
    await gpu.destroy();
    throw e;
  }
}
