/**
 * The checks on how an engine is opened, shared by the library (openEngine, createEngine), the
 * CLI (which parses its flags and calls these with its Naming) and the page: the backend, the
 * adapter, the step variant and the number of stacked configurations.
 */
import { STEP_VARIANTS } from '../backend/webgpu';
import { demandAdapter } from '../device/adapter-info';
import { type TrainingData, modelOf } from '../data/training-data';
import { UserError } from '../errors';
import { FIELDS, type Naming, demand, demandChoice, demandKnownKeys, isObject, isWhole } from '../fields';
import { count } from '../format';
import { modelStride } from '../kernels/kernel';

export const BACKEND_CHOICES = ['webgpu', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const ENGINE_SHAPE_KEYS = ['models', 'stepVariant'];
const ENGINE_OPTION_KEYS = [...ENGINE_SHAPE_KEYS, 'backend', 'adapter'];

/** createEngine's options: `models` stacked configurations, the `stepVariant`. */
export function checkEngineShape(o: { models?: unknown; stepVariant?: unknown }, naming: Naming = FIELDS, known: readonly string[] = ENGINE_SHAPE_KEYS): void {
  demand(isObject(o), 'options', o, 'an object of options', naming);
  demandKnownKeys('', o, known, naming);
  if (o.models !== undefined) demand(isWhole(o.models, 1), 'models', o.models, 'a whole number of at least 1', naming);
  if (o.stepVariant !== undefined) demandChoice('stepVariant', o.stepVariant, STEP_VARIANTS, naming);
}

/**
 * openEngine's options: the engine's shape, the `backend`, and the `adapter` and `stepVariant`
 * (WebGPU only: the CPU has neither; a resume that hands a checkpoint's variant on passes it to
 * WebGPU only, and the resume check names a backend that differs).
 */
export function checkEngineOptions(o: { backend?: unknown; adapter?: unknown; models?: unknown; stepVariant?: unknown }, naming: Naming = FIELDS): void {
  checkEngineShape(o, naming, ENGINE_OPTION_KEYS);
  if (o.backend !== undefined) demandChoice('backend', o.backend, BACKEND_CHOICES, naming);
  if (o.adapter !== undefined) demandAdapter(o.adapter, naming);
  if (o.backend === 'cpu') checkCpuOptions(o, naming);
}

/** Refuses the options the CPU engine has no use for (openEngine with backend 'cpu', createEngine on 'cpu'). */
export function checkCpuOptions(o: { adapter?: unknown; stepVariant?: unknown }, naming: Naming = FIELDS): void {
  if (o.adapter !== undefined && o.adapter !== 'auto') throw new UserError(`${naming.name('adapter')} applies to ${naming.name('backend')} webgpu only`);
  if (o.stepVariant !== undefined) throw new UserError(`${naming.name('stepVariant')} applies to ${naming.name('backend')} webgpu only`);
}

/** What the CPU engine may hold for its stacked configurations: a sane share of a machine's memory (2 GiB). */
const CPU_MODEL_BYTES = 2 ** 31;

/** The buffer limits of a WebGPU device that bound how many configurations it can stack. */
export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/**
 * The most configurations an engine for `data` can stack, and why: on WebGPU, the device's
 * largest storage buffer over what each configuration adds to the largest of the stacked buffers
 * (its parameters to params, grads and the optimiser's state; a loss per training example to the
 * loss buffers); on the CPU, CPU_MODEL_BYTES over each configuration's parameters, two optimiser
 * arrays and a float64 loss per training example.
 */
export function modelLimit(data: TrainingData, device: BufferLimits | 'cpu'): { most: number; why: string } {
  const layout = modelOf(data).layout(data.features);
  if (device === 'cpu') {
    const each = layout.paddedCount * 4 * 3 + data.trainCount * 8;
    return { most: Math.floor(CPU_MODEL_BYTES / each), why: `each needs ${count(each)} bytes of parameters, optimiser state and losses; the CPU engine holds at most ${count(CPU_MODEL_BYTES)}` };
  }
  const params = modelStride(layout) * 4;
  const losses = data.trainCount * 4;
  const largest = Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize);
  const what = params >= losses ? 'its parameters' : 'a loss per training example';
  return { most: Math.floor(largest / Math.max(params, losses)), why: `each adds ${count(Math.max(params, losses))} bytes (${what}) to a stacked buffer; this device's buffers hold at most ${count(largest)}` };
}

/** Refuses more stacked configurations than an engine for `data` on `device` can hold, before anything is allocated for them. */
export function checkModels(data: TrainingData, models: number, device: BufferLimits | 'cpu', naming: Naming = FIELDS): void {
  const { most, why } = modelLimit(data, device);
  demand(models <= most, 'models', models, `at most ${count(most)} for this data (${why})`, naming);
}
