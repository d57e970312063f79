/**
 * Every kernel is compiled as shaders/prelude.wgsl followed by its own file: a compile error must
 * still name the file and line it is on, in the kernel or in the prelude.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gpu } from '../../src/device/gpu';
import { nodeShaderFiles } from '../../src/device/shader-files-node';
import { PRELUDE_FILE, kernelModule } from '../../src/device/shader-source';
import { testGpu } from '../helpers/gpu';

const KERNEL = [
  '// broken.wgsl: a kernel with an error on line 4',
  '@group(0) @binding(0) var<uniform> batch: Batch;',
  '@compute @workgroup_size(1) fn main() {',
  '  let x: u32 = undefined_name + batch.size;',
  '}',
].join('\n');
const GOOD = '@group(0) @binding(0) var<uniform> batch: Batch;\n@compute @workgroup_size(1) fn main() { let x = batch.size + CLASSES; }\n';

const realPrelude = nodeShaderFiles(PRELUDE_FILE);
const preludeLines = realPrelude.split('\n').length - 1;
/** the real prelude with a bad line added at its end (line preludeLines + 1 of prelude.wgsl) */
const brokenPrelude = `${realPrelude}const BROKEN: u32 = -1.5;\n`;
let prelude = realPrelude;
const files = (file: string): string => (file === PRELUDE_FILE ? prelude : file === 'broken.wgsl' ? KERNEL : file.startsWith('good') ? GOOD : nodeShaderFiles(file));
const kernel = (file: string) => ({ name: file.replace('.wgsl', ''), file, bindings: ['uniform-dynamic' as const] });

let gpu: Gpu;
beforeAll(async () => (gpu = await testGpu(files)));
afterAll(async () => gpu?.destroy());

describe('the prelude', () => {
  test('lines map back to their files', () => {
    const m = kernelModule(files, 'broken.wgsl');
    expect(m.code.startsWith(realPrelude)).toBe(true);
    expect(m.locate(1)).toEqual({ file: PRELUDE_FILE, line: 1 });
    expect(m.locate(preludeLines)).toEqual({ file: PRELUDE_FILE, line: preludeLines });
    expect(m.locate(preludeLines + 4)).toEqual({ file: 'broken.wgsl', line: 4 });
  });

  test('a kernel sees its declarations (struct Batch, CLASSES)', async () => {
    await expect(gpu.pipeline(kernel('good.wgsl'))).resolves.toBeDefined();
  });

  test("an error in a kernel names the kernel's file and its own line", async () => {
    const error = await gpu.pipeline(kernel('broken.wgsl')).then(() => undefined, (e: unknown) => e);
    expect(String(error)).toMatch(/kernel 'broken' failed to compile:\nshaders\/broken\.wgsl:4:\d+: .*undefined_name/);
    expect(String(error)).toContain('    let x: u32 = undefined_name + batch.size;');
  });

  test('an error in the prelude names prelude.wgsl and its line', async () => {
    prelude = brokenPrelude;
    try {
      // another file name: the device caches pipelines by file
      const error = await gpu.pipeline(kernel('good-after-broken-prelude.wgsl')).then(() => undefined, (e: unknown) => e);
      expect(String(error)).toMatch(new RegExp(`shaders/prelude\\.wgsl:${preludeLines + 1}:\\d+: `));
      expect(String(error)).toContain('    const BROKEN: u32 = -1.5;');
    } finally {
      prelude = realPrelude;
    }
  });
});
