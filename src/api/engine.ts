/**
 * Engines for training data: WebGPU on a device the caller opened (Node or browser), or the CPU
 * reference. The model is the data's (classifier or regression); `models` configurations are
 * stacked (1: an ordinary run, for fit; more: a sweep, for trainSweep).
 *
 * An engine holds one dataset and runs one thing at a time: fit and evaluate refuse, with a
 * UserError, an engine that is in use (a fit that has not returned), one that was destroyed, and
 * data other than the engine's. destroy() during a fit stops the fit at its next step boundary
 * (it rejects with TrainingStopped, reason 'interrupted') and then destroys the engine.
 */
import type { Backend } from '../backend/backend';
import { CpuBackend } from '../backend/cpu';
import { type VariantChoice, WebGpuBackend } from '../backend/webgpu';
import { checkTrainingData } from '../data/check';
import type { TrainingData } from '../data/training-data';
import type { Gpu } from '../device/gpu';
import { UserError } from '../errors';
import { FIELDS, type Naming, demand } from '../fields';
import { checkCpuOptions, checkEngineShape, checkModels } from './options';

export { BACKEND_CHOICES, type BackendChoice } from './options';

export interface EngineShape {
  /** configurations stacked. Default 1 */
  models?: number;
  /** how WebGPU runs steps: 'auto' (a fixed rule), 'tune' (measured) or a variant's name. Default auto */
  stepVariant?: VariantChoice;
}

/**
 * An engine holding `data` (resident on the GPU for WebGPU). It owns `device` from here on: its
 * destroy() destroys the device, and so does a failure to create it (or to accept the data).
 * `models` is bounded by what the device's buffers (or the CPU's share of memory) hold for this
 * data (checkModels), before anything is allocated. `naming`: how a refusal names the options.
 */
export async function createEngine(data: TrainingData, device: Gpu | 'cpu', o: EngineShape = {}, naming: Naming = FIELDS): Promise<Backend> {
  demand(device === 'cpu' || (typeof device === 'object' && device !== null && typeof device.destroy === 'function'), 'device', device, "'cpu' or a device from openNodeDevice or openBrowserDevice");
  try {
    checkTrainingData(data);
    checkEngineShape(o, naming);
    if (device === 'cpu') checkCpuOptions(o, naming);
    checkModels(data, o.models ?? 1, device === 'cpu' ? 'cpu' : device.limits, naming);
    const engine = device === 'cpu' ? new CpuBackend(data, o.models ?? 1) : await WebGpuBackend.create(device, data, o);
    return guarded(engine, data);
  } catch (e) {
    if (device !== 'cpu') await device.destroy();
    throw e;
  }
}

/** Who is using an engine, and what it holds; `data` is null for an engine built elsewhere (a benchmark's peer). */
interface EngineUse {
  data: TrainingData | null;
  user: string | null;
  /** resolves when the current user is done */
  idle: Promise<void>;
  destroying: boolean;
  destroyed: boolean;
}

const uses = new WeakMap<Backend, EngineUse>();

function useOf(engine: Backend): EngineUse {
  let use = uses.get(engine);
  if (!use) uses.set(engine, (use = { data: null, user: null, idle: Promise.resolve(), destroying: false, destroyed: false }));
  return use;
}

/** `engine`, known to hold `data`; its destroy() waits for (and stops) a fit in progress, and is done once. */
function guarded(engine: Backend, data: TrainingData): Backend {
  const use = useOf(engine);
  use.data = data;
  const destroy = engine.destroy.bind(engine);
  engine.destroy = async () => {
    if (use.destroying) return use.idle;
    use.destroying = true;
    await use.idle;
    use.destroyed = true;
    await destroy();
  };
  return engine;
}

/** An engine taken for one use: `release()` when done; `stopRequested()` says 'destroy()' once destroy() was called. */
export interface EngineLease {
  release(): void;
  stopRequested(): string | undefined;
}

/**
 * Takes `engine` for `user` ('fit', 'evaluate'): refuses one that is destroyed or in use, and
 * (when `data` is given) data that is not the engine's.
 */
export function takeEngine(engine: Backend, data: TrainingData | null, user: string): EngineLease {
  demandEngine(engine, user);
  const use = useOf(engine);
  if (use.destroying || use.destroyed) throw new UserError(`${user}: the engine was destroyed; create another with createEngine or openEngine`);
  if (use.user !== null) throw new UserError(`${user}: the engine is in use by a ${use.user} that has not returned; an engine runs one thing at a time (await it, or create another engine)`);
  if (data !== null && use.data !== null && data !== use.data) {
    throw new UserError(`${user}: data is not the data this engine was created with; an engine holds one dataset (create an engine for this one)`);
  }
  let done!: () => void;
  use.idle = new Promise((resolve) => (done = resolve));
  use.user = user;
  return {
    release: () => {
      use.user = null;
      done();
    },
    stopRequested: () => (use.destroying ? 'destroy()' : undefined),
  };
}

/** Refuses an `engine` that is not one from createEngine or openEngine, naming `user` ('fit', 'evaluate', 'resolveConfig'). */
export function demandEngine(engine: unknown, user: string): asserts engine is Backend {
  if (typeof engine !== 'object' || engine === null || typeof (engine as Backend).runSteps !== 'function') {
    throw new UserError(`${user}: engine must be an engine from createEngine or openEngine, got ${engine === null ? 'null' : typeof engine}`);
  }
}

/** The data `engine` was created with (createEngine); null for an engine built elsewhere (a benchmark's peer). */
export function engineData(engine: Backend): TrainingData | null {
  return useOf(engine).data;
}
