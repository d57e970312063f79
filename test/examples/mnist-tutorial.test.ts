/**
 * examples/mnist-tutorial.sh, run whole as a learner runs it (two trainings on the real MNIST:
 * about 30 s on an idle 2-core machine with SwiftShader, 2 to 3 minutes under load): both accuracies
 * from the runs' JSON, and the times printed beside them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/io/run-report';
import { type ExampleRun, expectedOutput, runExample } from '../helpers/examples';

const NUMBER = /-?\d+(?:\.\d+)?/g;

describe('examples/mnist-tutorial.sh', () => {
  let run: ExampleRun;
  const report = (name: string) => JSON.parse(readFileSync(join(run.out, `${name}.json`), 'utf8')) as RunReport;
  beforeAll(() => {
    run = runExample('mnist-tutorial', 540_000);
  }, 600_000);

  test("the tutorial's setup: batch 32, lr 0.01, 10 epochs, at least 91% test accuracy (PyTorch reached 91.65%)", () => {
    const r = report('tutorial');
    expect([r.config.batchSize, r.config.lr, r.config.epochs, r.config.optimizer?.kind]).toEqual([32, 0.01, 10, 'sgd']);
    expect(r.final!.test!.accuracy).toBeGreaterThanOrEqual(0.91);
    expect(run.stdout).toContain(`  test accuracy ${(r.final!.test!.accuracy! * 100).toFixed(2)}%\n`);
  });

  test("downhill's default: batch 100, the rate derived from the data, 5 epochs, at least 92% test accuracy", () => {
    const r = report('default');
    expect([r.config.batchSize, r.config.epochs]).toEqual([100, 5]);
    expect(r.config.lrReason).toMatch(new RegExp(`^lr ${r.config.lr} = 1/L for batch 100`));
    expect(r.final!.test!.accuracy).toBeGreaterThanOrEqual(0.92);
  });

  test('prints both times, and the PyTorch figure as a past measurement', () => {
    const times = run.stdout.match(/^ {2}time: training \d+\.\d\d s \([\d,]+ samples\/s\), whole command \d+\.\d\d s$/gm);
    expect(times).toHaveLength(2);
    expect(run.stdout).toMatch(/^reference, measured once and not run now: PyTorch .* 91\.65% in 11\.1 s of training \(2026-11-23\)$/m);
    // the same lines as the .expected file, whatever the times
    const words = (text: string) => text.trimEnd().replace(NUMBER, 'N');
    expect(words(run.stdout)).toBe(words(expectedOutput('mnist-tutorial')));
  });
});
