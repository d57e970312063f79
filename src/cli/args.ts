/** The CLI's own options: which backend, which adapter, and what the two refuse together. */
import type { AdapterChoice } from '../device/adapter-node';
import { check } from '../errors';
import { cliNaming, parseAdapterChoice } from '../command/args';
import type { BackendChoice } from '../api/engine';
import { checkEngineOptions } from '../api/options';

/** --backend's value, by the library's check of `backend` (default webgpu). */
export function backendOption(value: string | boolean | undefined): BackendChoice {
  if (value === undefined) return 'webgpu';
  checkEngineOptions({ backend: value }, cliNaming(() => value as string));
  return value as BackendChoice;
}

/** --adapter's value, by the library's check of `adapter` (default auto). */
export function adapterOption(value: string | boolean | undefined): AdapterChoice {
  return parseAdapterChoice(value as string | undefined);
}

/** What every command refuses of the common options: an empty --data, --adapter with --backend cpu. */
export function checkCommonOptions(args: Record<string, string | boolean | undefined>, backend: BackendChoice): void {
  check(args.data !== '', '--data: the path is empty');
  check(backend !== 'cpu' || args.adapter === undefined, '--adapter applies to --backend webgpu only');
}
