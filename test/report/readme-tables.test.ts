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
    expect(renderedBlocks(readme).map((b) => `${b.resultsPath.replace('bench/results/google-swiftshader-', '')}: ${b.heading}`)).toEqual([
      '2026-12-01.json: Summary: downhill on WebGPU',
      '2026-12-01.json: Throughput of every engine (samples/s, median (min–max))',
      '2026-12-01.json: Conclusions',
      '2026-12-01-default-rates.json: The new default, the old one and the best of the grid',
      '2026-11-22-optimizers.json: Every method',
      '2026-11-22-regression.json: Every method',
      '2026-11-22-sweep.json: Stacked against one by one',
    ]);
    expect(renderReadme(readme, reportOf)).toBe(readme);
  });

  test('a typed figure does not survive rendering', () => {
    const typed = readme.replace('| 10 | 0.113 | 24,968 (23,299–26,733, n=5) |', '| 10 | 0.113 | 44,968 (23,299–26,733, n=5) |');
    expect(typed).not.toBe(readme);
    expect(renderReadme(typed, reportOf)).toBe(readme);
  });

  test('each results file they name renders the report committed beside it, as its benchmark wrote it', () => {
    for (const path of new Set(renderedBlocks(readme).map((b) => b.resultsPath))) expect(reportOf(path), path).toBe(readFileSync(path.replace(/\.json$/, '.md'), 'utf8'));
  });

  // one typed change per schema: the committed figure, and the one typed over it
  test.each([
    ['downhill-default-rates/1', '| inverted | 60,000 | 667.9 | 616.1 | 0.0162 | 89.58% |', '| inverted | 60,000 | 667.9 | 616.1 | 0.0162 | 91.58% |'],
    ['downhill-optimizers/1', '| nesterov 0.9 | 100 | nesterov (μ 0.9) | constant | 0.05 | 23,053 |', '| nesterov 0.9 | 100 | nesterov (μ 0.9) | constant | 0.05 | 33,053 |'],
    ['downhill-methods/1', '- Lowest loss after 3.00 s: full batch (GD) (0.1246).', '- Lowest loss after 3.00 s: batch 1000 (0.1246).'],
    ['downhill-sweep-bench/1', '| 100 | 6 | 2.22 s | 3.08 s | 1.39x |', '| 100 | 6 | 2.22 s | 3.08 s | 1.93x |'],
  ])('a figure typed into a %s table does not survive rendering', (_schema, committed, typed) => {
    expect(readme.split(committed)).toHaveLength(2);
    expect(renderReadme(readme.replace(committed, typed), reportOf)).toBe(readme);
  });

  test('a section the report does not have is an error naming it', () => {
    const wrong = readme.replace('section "Conclusions"', 'section "Findings"');
    expect(() => renderReadme(wrong, reportOf)).toThrow("the report of bench/results/google-swiftshader-2026-12-01.json has no section '## Findings'");
  });
});
