/** The software a run used, recorded in JSON results. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export function packageVersion(name: string): string | null {
  try {
    const path = createRequire(import.meta.url).resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export function nodeEnvironment(): { node: string; platform: string; arch: string; webgpuPackage: string | null } {
  return { node: process.version, platform: process.platform, arch: process.arch, webgpuPackage: packageVersion('webgpu') };
}
