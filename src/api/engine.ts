/**
 * Engines for training data: WebGPU on a device the caller opened (Node or browser), or the CPU
 * reference. The model is the data's (classifier or regression); `models` configurations are
 * stacked (1: an ordinary run, for fit; more: a sweep, for trainSweep).
 */
import type { Backend } from '../backend/backend';
import { CpuBackend } from '../backend/cpu';
import { type VariantChoice, WebGpuBackend } from '../backend/webgpu';
import type { TrainingData } from '../data/training-data';
import type { Gpu } from '../device/gpu';

export type BackendChoice = 'webgpu' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['webgpu', 'cpu'];

export interface EngineShape {
  /** configurations stacked. Default 1 */
  models?: number;
  /** how WebGPU runs steps: 'auto' (a fixed rule), 'tune' (measured) or a variant's name. Default auto */
  stepVariant?: VariantChoice;
}

/**
 * An engine holding `data` (resident on the GPU for WebGPU). It owns `device` from here on: its
 * destroy() destroys the device, and so does a failure to create it.
 */
export async function createEngine(data: TrainingData, device: Gpu | 'cpu', o: EngineShape = {}): Promise<Backend> {
  if (device === 'cpu') return new CpuBackend(data, o.models ?? 1);
  try {
    return await WebGpuBackend.create(device, data, o);
  } catch (e) {
    await device.destroy();
    throw e;
  }
}
