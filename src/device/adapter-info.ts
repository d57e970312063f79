/** What we report about the adapter a run used: printed by the CLI, stored in JSON results. */
import { FIELDS, type Naming, demandChoice } from '../fields';

/** Which adapter Node asks Dawn for (adapter-node.ts); here, with no platform imports, so that the library's option checks can name the choices in the browser too. */
export type AdapterChoice = 'auto' | 'hardware' | 'swiftshader';
export const ADAPTER_CHOICES: readonly AdapterChoice[] = ['auto', 'hardware', 'swiftshader'];

/** An adapter choice (openEngine's option, openNodeDevice's argument), refused naming `adapter`. */
export function demandAdapter(adapter: unknown, naming: Naming = FIELDS): void {
  demandChoice('adapter', adapter, ADAPTER_CHOICES, naming);
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** true when the adapter is a software rasteriser (SwiftShader or another fallback adapter). */
  software: boolean;
  /** where the device came from: dawn-node, a browser, or the CPU reference backend. */
  runtime: 'dawn-node' | 'browser' | 'cpu';
}

export function describeAdapter(adapter: GPUAdapter, runtime: AdapterReport['runtime']): AdapterReport {
  const info = adapter.info;
  const software =
    info.architecture === 'swiftshader' ||
    info.description.toLowerCase().includes('swiftshader') ||
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software,
    runtime,
  };
}

export function adapterLabel(a: AdapterReport): string {
  const name = [a.vendor, a.architecture].filter((s) => s.length > 0).join(' ') || 'unknown adapter';
  const description = a.description ? ` (${a.description})` : '';
  return `${name}${description}${a.software ? ', software' : ''}`;
}
