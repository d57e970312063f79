/**
 * Opening an engine in Node: a device on a fresh adapter of the kind asked for (dawn-node;
 * SwiftShader where there is no GPU), or the CPU reference; and a line saying which.
 */
import type { Backend } from '../backend/backend';
import type { VariantChoice } from '../backend/webgpu';
import type { TrainingData } from '../data/training-data';
import { adapterLabel } from '../device/adapter-info';
import { type AdapterChoice, acquireNodeAdapter } from '../device/adapter-node';
import { Gpu } from '../device/gpu';
import { nodeShaderFiles } from '../device/shader-files-node';
import { type BackendChoice, createEngine } from './engine';

export interface EngineOptions {
  /** Default webgpu */
  backend?: BackendChoice;
  /** Default auto: hardware, else SwiftShader */
  adapter?: AdapterChoice;
  /** how WebGPU runs the classifier's steps. Default auto */
  stepVariant?: VariantChoice;
}

/** A device on a fresh adapter of the kind asked for (an adapter gives one device), and a line saying which. */
export async function openGpu(adapter: AdapterChoice = 'auto'): Promise<{ gpu: Gpu; line: string }> {
  const found = await acquireNodeAdapter(adapter);
  return { gpu: await Gpu.create(found.adapter, found.report, nodeShaderFiles), line: `backend: webgpu on ${adapterLabel(found.report)}; ${found.note}` };
}

export async function openEngine(data: TrainingData, o: EngineOptions = {}): Promise<{ engine: Backend; line: string }> {
  if (o.backend === 'cpu') {
    const engine = await createEngine(data, 'cpu');
    return { engine, line: `backend: cpu (${engine.adapter.description})` };
  }
  const { gpu, line } = await openGpu(o.adapter);
  return { engine: await createEngine(data, gpu, o.stepVariant), line };
}
