/**
 * The README's benchmark tables are the committed run's report, never typed: rendering the
 * README's marked sections again from the results they name (npm run bench:readme) changes
 * nothing; a figure typed into one of them is put back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { renderReadme, renderedBlocks } from '../../src/report/readme-blocks';
import { reportOf } from '../../src/report/results-file';

const readme = readFileSync('README.md', 'utf8');

describe("the README's benchmark tables", () => {
  test('are the sections of the committed report they name, as npm run bench:readme renders them', () => {
    expect(renderedBlocks(readme).map((b) => b.heading)).toEqual(['Summary: downhill on WebGPU', 'Throughput of every engine (samples/s, median (min–max))', 'Conclusions']);
    expect(renderReadme(readme, reportOf)).toBe(readme);
  });

  test('a typed figure does not survive rendering', () => {
    const typed = readme.replace('| 10 | 0.113 | 24,968 (23,299–26,733, n=5) |', '| 10 | 0.113 | 44,968 (23,299–26,733, n=5) |');
    expect(typed).not.toBe(readme);
    expect(renderReadme(typed, reportOf)).toBe(readme);
  });

  test('a section the report does not have is an error naming it', () => {
    const wrong = readme.replace('section "Conclusions"', 'section "Findings"');
    expect(() => renderReadme(wrong, reportOf)).toThrow("the report of bench/results/google-swiftshader-2026-12-01.json has no section '## Findings'");
  });
});
