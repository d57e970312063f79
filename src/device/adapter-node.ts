/**
 * Acquires a WebGPU adapter in Node through dawn-node (the `webgpu` package).
 *
 * Dawn reaches the GPU through the Vulkan loader (Debian's libvulkan1). On a machine without a
 * GPU, SwiftShader's Vulkan driver (shipped by Debian's chromium package) gives a real, if slow,
 * WebGPU implementation on the CPU; the loader is pointed at it with VK_ICD_FILENAMES, which must
 * be set before Dawn creates its Vulkan instance, i.e. before `create()`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { UserError } from '../errors';
import { environmentValue } from '../environment-variables';
import { describeFileError } from '../io/files';
import { FIELDS, type Naming } from '../fields';
import { type AdapterChoice, type AdapterReport, describeAdapter } from './adapter-info';

export { ADAPTER_CHOICES, type AdapterChoice } from './adapter-info';

const SWIFTSHADER_MANIFESTS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];
const VULKAN_MANIFEST_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const INSTALL_HINT = 'install the Vulkan loader and SwiftShader (apt-get install libvulkan1 chromium) or a GPU driver';

export interface NodeAdapter {
  /** the Dawn instance the adapter came from (for libraries that want a navigator.gpu) */
  gpu: GPU;
  adapter: GPUAdapter;
  report: AdapterReport;
  /** a line for the user saying which adapter was chosen and why */
  note: string;
}

function findSwiftShaderManifest(): string | undefined {
  const fromEnv = environmentValue(ICD_VARIABLE);
  if (fromEnv) return existsSync(fromEnv) ? checkedManifest(fromEnv) : undefined;
  return SWIFTSHADER_MANIFESTS.find((p) => existsSync(p));
}

const ICD_VARIABLE = 'DOWNHILL_SWIFTSHADER_ICD';

/**
 * The manifest the variable names, refused before Dawn sees it unless it has a Vulkan driver
 * manifest's shape (a JSON object with ICD.library_path): Vulkan printed four lines of its own,
 * with a C++ source path, then a line that did not name the variable.
 */
function checkedManifest(path: string): string {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${ICD_VARIABLE}=${path}: not a Vulkan driver manifest (${e instanceof SyntaxError ? 'not JSON' : describeFileError(e)})`);
  }
  const icd = (manifest as { ICD?: { library_path?: unknown } } | null)?.ICD;
  if (typeof icd?.library_path !== 'string') throw new UserError(`${ICD_VARIABLE}=${path}: not a Vulkan driver manifest (a JSON object with ICD.library_path)`);
  return path;
}

/** Where SwiftShader's manifest was looked for, for messages: the variable that overrides the standard places, if set. */
function whereSwiftShaderWasSought(): string {
  const fromEnv = environmentValue(ICD_VARIABLE);
  return fromEnv ? `${ICD_VARIABLE}=${fromEnv}, which ${existsSync(fromEnv) ? 'Vulkan did not accept' : 'does not exist'}` : `looked for ${SWIFTSHADER_MANIFESTS.join(', ')}`;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * True when a hardware Vulkan driver may be there to try: the user named one, or a GPU device
 * node exists (DRM render nodes for Mesa/AMD/Intel, /dev/nvidia* for NVIDIA) and a driver
 * manifest is installed. Without this check, auto mode would try Mesa's lavapipe (installed with
 * chromium), which Dawn rejects with a warning on every run.
 */
function hardwareVulkanLikely(): boolean {
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  const gpuNode = listDir('/dev/dri').some((f) => f.startsWith('renderD')) || listDir('/dev').some((f) => /^nvidia\d+$/.test(f));
  return gpuNode && VULKAN_MANIFEST_DIRS.some((dir) => listDir(dir).some((f) => f.endsWith('.json')));
}

/**
 * One Dawn instance per Vulkan driver choice, made once and referenced for the life of the
 * process: if the GPU object returned by create() is garbage-collected, Dawn frees the instance
 * while its adapter and device still use it, and the next event poll aborts the process (a crash
 * we hit, at random). Reusing it also keeps a long process from growing by an instance per
 * device it opens (measured: 4.4 MiB per run with a new instance each, 0.9 MiB reusing one).
 */
const instances = new Map<string, GPU>();

async function requestAdapter(): Promise<{ gpu: GPU; adapter: GPUAdapter } | null> {
  if (instances.size === 0) {
    // GPUBufferUsage, GPUShaderStage, GPUMapMode … as in a browser.
    Object.assign(globalThis, globals);
  }
  // the driver is read from the environment when the instance is created
  const driver = process.env.VK_ICD_FILENAMES ?? '';
  const gpu = instances.get(driver) ?? create([]);
  instances.set(driver, gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? { gpu, adapter } : null;
}

async function swiftShaderAdapter(): Promise<{ gpu: GPU; adapter: GPUAdapter } | null> {
  const manifest = findSwiftShaderManifest();
  if (!manifest) return null;
  process.env.VK_ICD_FILENAMES = manifest;
  process.env.VK_DRIVER_FILES = manifest;
  return requestAdapter();
}

/** `naming`: how a failure names the adapter option (the library's `adapter`; the CLI's --adapter). */
export async function acquireNodeAdapter(choice: AdapterChoice, naming: Naming = FIELDS): Promise<NodeAdapter> {
  const adapter = naming.name('adapter');
  if (choice === 'swiftshader') {
    if (!findSwiftShaderManifest()) {
      throw new UserError(`${adapter} swiftshader: SwiftShader's Vulkan driver was not found (${whereSwiftShaderWasSought()}); apt-get install chromium`);
    }
    const swift = await swiftShaderAdapter();
    if (!swift) throw new UserError(`${adapter} swiftshader: no adapter could be created; ${INSTALL_HINT}`);
    return { ...swift, report: describeAdapter(swift.adapter, 'dawn-node'), note: 'SwiftShader (software Vulkan), as asked' };
  }

  // without a GPU device node or a named driver, asking Dawn only prints its own warnings first
  if (choice === 'hardware' && !hardwareVulkanLikely()) {
    throw new UserError(`${adapter} hardware: no GPU was found (no /dev/dri/renderD* or /dev/nvidia* device with a Vulkan driver manifest, and VK_ICD_FILENAMES is not set); use ${adapter} swiftshader or auto, or ${INSTALL_HINT}`);
  }
  const hardware = choice === 'hardware' || hardwareVulkanLikely() ? await requestAdapter() : null;
  const hardwareReport = hardware ? describeAdapter(hardware.adapter, 'dawn-node') : undefined;
  if (choice === 'hardware') {
    if (!hardware || !hardwareReport || hardwareReport.software) {
      throw new UserError(`${adapter} hardware: no hardware WebGPU adapter was found; use ${adapter} swiftshader or auto, or ${INSTALL_HINT}`);
    }
    return { ...hardware, report: hardwareReport, note: 'hardware adapter, as asked' };
  }
  if (hardware && hardwareReport && !hardwareReport.software) {
    return { ...hardware, report: hardwareReport, note: 'hardware adapter' };
  }
  const swift = await swiftShaderAdapter();
  if (swift) {
    return { ...swift, report: describeAdapter(swift.adapter, 'dawn-node'), note: 'no hardware adapter found, using SwiftShader (software Vulkan on the CPU)' };
  }
  if (hardware && hardwareReport) {
    return { ...hardware, report: hardwareReport, note: 'only a software adapter was found' };
  }
  throw new UserError(`no WebGPU adapter could be created (no hardware adapter; SwiftShader: ${whereSwiftShaderWasSought()}): ${INSTALL_HINT}`);
}
