/**
 * The checks on how an engine is opened, shared by the library (openEngine, createEngine), the
 * CLI (which parses its flags and calls these with its Naming) and the page: the backend, the
 * adapter, the step variant and the number of stacked configurations.
 */
import { STEP_VARIANTS } from '../backend/webgpu';
import { ADAPTER_CHOICES } from '../device/adapter-info';
import { UserError } from '../errors';
import { FIELDS, type Naming, demand, demandChoice, demandKnownKeys, isObject, isWhole } from '../fields';

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
  if (o.adapter !== undefined) demandChoice('adapter', o.adapter, ADAPTER_CHOICES, naming);
  if (o.backend === 'cpu' && o.adapter !== undefined && o.adapter !== 'auto') throw new UserError(`${naming.name('adapter')} applies to ${naming.name('backend')} webgpu only`);
  if (o.backend === 'cpu' && o.stepVariant !== undefined) throw new UserError(`${naming.name('stepVariant')} applies to ${naming.name('backend')} webgpu only`);
}
