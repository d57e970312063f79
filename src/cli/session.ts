/** Opens the backend a command asked for: WebGPU through dawn-node, or the CPU reference. */
import type { Backend, BackendData } from '../backend/backend';
import { CpuBackend } from '../backend/cpu';
import { type VariantChoice, WebGpuBackend } from '../backend/webgpu';
import type { AdapterChoice } from '../device/adapter-node';
import type { Gpu } from '../device/gpu';
import { openNodeDevice } from '../device/open-node';

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

/** A backend made by `create` on a new device; the device is destroyed if creating fails. */
export async function openWebGpu<B>(adapter: AdapterChoice, create: (gpu: Gpu) => Promise<B>): Promise<{ backend: B; line: string }> {
  const { gpu, line } = await openNodeDevice(adapter);
  try {
    return { backend: await create(gpu), line };
  } catch (e) {
    await gpu.destroy();
    throw e;
  }
}
