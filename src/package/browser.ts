/**
 * The package's browser entry (built by scripts/build-package.ts): src/index-browser.ts, and
 * openBrowserDevice() with the WGSL of shaders/ embedded as strings at build time
 * ('downhill:shaders', a module the build writes), so any bundler, or none, can load it.
 */
import { WGSL } from 'downhill:shaders';
import type { Gpu } from '../device/gpu';
import { openBrowserDeviceWith } from '../device/open-browser-with';

export * from '../index-browser';

export function openBrowserDevice(): Promise<Gpu> {
  return openBrowserDeviceWith((file) => {
    const code = WGSL[file];
    if (code === undefined) throw new Error(`shaders/${file} is not in this build of downhill`);
    return code;
  });
}
