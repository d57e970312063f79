/**
 * expandRepeats, the one WGSL generator (register tiles written out): its rules on a small text,
 * and snapshots of the shipped kernels' expansions, so that a change to the generator or to a
 * tiled file shows up as a diff of the WGSL that runs.
 */
import { describe, expect, test } from 'vitest';
import { nodeShaderFiles } from '../../src/device/shader-files-node';
import { expandRepeats, kernelModule } from '../../src/device/shader-source';
import { FORWARD_TILES, tiledForwardKernel } from '../../src/kernels/forward-tiled';
import { ROWS_PER_PASS_CHOICES, gradientBlockedKernel } from '../../src/kernels/gradient-blocked';

describe('expandRepeats', () => {
  test('a line naming #x is written once per x; #X is the count; comments stay', () => {
    const text = ['// a #r comment', 'let n = #Ru;', 'let x#r = #r;', 'a#r_#c += 1;', 'end'].join('\n');
    const { text: out, sourceLine } = expandRepeats(text, { r: 2, c: 3 });
    expect(out.split('\n')).toEqual(['// a #r comment', 'let n = 2u;', 'let x0 = 0;', 'let x1 = 1;', 'a0_0 += 1;', 'a0_1 += 1;', 'a0_2 += 1;', 'a1_0 += 1;', 'a1_1 += 1;', 'a1_2 += 1;', 'end']);
    expect([1, 2, 3, 4, 5, 10, 11].map(sourceLine)).toEqual([1, 2, 3, 3, 4, 4, 5]);
  });

  test('a letter without a count is an error that names it', () => {
    expect(() => expandRepeats('let x#q = 0;', { r: 2 })).toThrow(/#q has no repeat count/);
  });

  test('compile errors in an expanded file point at its own lines', () => {
    const m = kernelModule(nodeShaderFiles, 'forward_tiled.wgsl', { r: 3 });
    const lines = m.code.split('\n');
    const at = lines.findIndex((l) => l.includes('let row2 ='));
    expect(m.locate(at + 1).file).toBe('forward_tiled.wgsl');
    expect(nodeShaderFiles('forward_tiled.wgsl').split('\n')[m.locate(at + 1).line - 1]).toContain('let row#r =');
  });

  test.each([...FORWARD_TILES.map((r) => tiledForwardKernel(r)), ...ROWS_PER_PASS_CHOICES.map((r) => gradientBlockedKernel(4, r))])('the shipped expansion of $name', (kernel) => {
    expect(expandRepeats(nodeShaderFiles(kernel.file), kernel.repeat!).text).toMatchSnapshot();
  });
});
