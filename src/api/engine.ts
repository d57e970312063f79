/**
 * Engines for training data: WebGPU on a device the caller opened (Node or browser), or the CPU
 * reference. The model is the data's (classifier or regression); nothing else chooses it.
 */
import type { Backend } from '../backend/backend';
import { CpuBackend } from '../backend/cpu';
import { RegressionCpuBackend } from '../backend/regression-cpu';
import { RegressionWebGpuBackend } from '../backend/regression-webgpu';
import { type VariantChoice, WebGpuBackend } from '../backend/webgpu';
import type { TrainingData } from '../data/training-data';
import type { Gpu } from '../device/gpu';

export type BackendChoice = 'webgpu' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['webgpu', 'cpu'];

/**
 * An engine holding `data` (resident on the GPU for WebGPU). It owns `device` from here on: its
 * destroy() destroys the device, and so does a failure to create it.
 */
export async function createEngine(data: TrainingData, device: Gpu | 'cpu', stepVariant: VariantChoice = 'auto'): Promise<Backend> {
  if (device === 'cpu') return data.task === 'classification' ? new CpuBackend(classifierSets(data)) : new RegressionCpuBackend(data.split);
  try {
    if (data.task === 'regression') return await RegressionWebGpuBackend.create(device, data.split);
    const engine = await WebGpuBackend.create(device, classifierSets(data));
    engine.variantChoice = stepVariant;
    return engine;
  } catch (e) {
    await device.destroy();
    throw e;
  }
}

function classifierSets(data: Extract<TrainingData, { task: 'classification' }>) {
  return data.test ? { train: data.train, test: data.test } : { train: data.train };
}
