/**
 * Opening an engine in Node: on a device from src/device/open-node.ts (dawn-node; SwiftShader
 * where there is no GPU), or the CPU reference; and a line saying which.
 */
import type { Backend } from '../backend/backend';
import { checkTrainingData } from '../data/check';
import type { TrainingData } from '../data/training-data';
import type { AdapterChoice } from '../device/adapter-node';
import { openNodeDevice } from '../device/open-node';
import { type BackendChoice, type EngineShape, createEngine } from './engine';
import { checkEngineOptions } from './options';
import { FIELDS, type Naming } from '../fields';

export interface EngineOptions extends EngineShape {
  /** Default webgpu */
  backend?: BackendChoice;
  /** Default auto: hardware, else SwiftShader */
  adapter?: AdapterChoice;
}

/** `naming`: how a refusal names the options (the library's fields; the CLI passes its flags'). */
export async function openEngine(data: TrainingData, o: EngineOptions = {}, naming: Naming = FIELDS): Promise<{ engine: Backend; line: string }> {
  checkEngineOptions(o, naming);
  checkTrainingData(data); // before a device is opened for it
  const { backend, adapter, ...shape } = o;
  if (backend === 'cpu') {
    const engine = await createEngine(data, 'cpu', shape, naming);
    return { engine, line: `backend: cpu (${engine.adapter.description})` };
  }
  const { gpu, line } = await openNodeDevice(adapter ?? 'auto', undefined, naming);
  return { engine: await createEngine(data, gpu, shape, naming), line };
}
