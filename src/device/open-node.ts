/**
 * The one place Node opens a WebGPU device: a fresh adapter of the kind asked for (an adapter
 * gives one device), its device with the WGSL read from shaders/, and a line saying which adapter
 * was chosen and why. Used by the CLI, the benchmarks and the test helpers.
 */
import { FIELDS, type Naming } from '../fields';
import { adapterLabel, demandAdapter } from './adapter-info';
import { type AdapterChoice, acquireNodeAdapter } from './adapter-node';
import { Gpu } from './gpu';
import { nodeShaderFiles } from './shader-files-node';
import type { ShaderSource } from './shader-source';

/**
 * `shaders`: where the WGSL comes from (default the repository's shaders/; tests substitute their
 * own); `naming`: how a failure names the adapter option (a shell passes its flag's).
 */
export async function openNodeDevice(adapter: AdapterChoice, shaders: ShaderSource = nodeShaderFiles, naming: Naming = FIELDS): Promise<{ gpu: Gpu; line: string }> {
  demandAdapter(adapter, naming);
  const found = await acquireNodeAdapter(adapter, naming);
  return { gpu: await Gpu.create(found.adapter, found.report, shaders), line: `backend: webgpu on ${adapterLabel(found.report)}; ${found.note}` };
}
