/** The CLI's own options: which backend, which adapter, and what the two refuse together. */
import type { AdapterChoice } from '../device/adapter-node';
import { parseAdapterChoice } from '../device/open-node';
import { check } from '../errors';
import { choice } from '../command/args';
import { BACKEND_CHOICES, type BackendChoice } from '../api/engine';

export function backendOption(value: string | boolean | undefined): BackendChoice {
  return choice('--backend', value as string | undefined, BACKEND_CHOICES, 'webgpu');
}

export function adapterOption(value: string | boolean | undefined): AdapterChoice {
  return parseAdapterChoice(value as string | undefined);
}

/** What every command refuses of the common options: an empty --data, --adapter with --backend cpu. */
export function checkCommonOptions(args: Record<string, string | boolean | undefined>, backend: BackendChoice): void {
  check(args.data !== '', '--data: the path is empty');
  check(backend !== 'cpu' || args.adapter === undefined, '--adapter applies to --backend webgpu only');
}
