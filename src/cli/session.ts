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
  return openWebGpu(adapter, async (gpu) => {
    const backend = await WebGpuBackend.create(gpu, data);
    backend.variantChoice = stepVariant;
    return backend;
  });
}

/** A device on a fresh adapter of the kind asked for (an adapter gives one device), and a line saying which. */
export async function openGpu(adapter: AdapterChoice): Promise<{ gpu: Gpu; line: string }> {
  const found = await acquireNodeAdapter(adapter);
  return { gpu: await Gpu.create(found.adapter, found.report, nodeShaderFiles), line: `backend: webgpu on ${adapterLabel(found.report)}; ${found.note}` };
}

/** A backend made by `create` on a new device; the device is destroyed if creating fails. */
export async function openWebGpu<B>(adapter: AdapterChoice, create: (gpu: Gpu) => Promise<B>): Promise<{ backend: B; line: string }> {
  const { gpu, line } = await openGpu(adapter);
  try {
    return { backend: await create(gpu), line };
  } catch (e) {
    await gpu.destroy();
    throw e;
  }
}
