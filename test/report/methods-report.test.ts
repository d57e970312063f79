import { describe, expect, test } from 'vitest';
import type { HistoryPoint } from '../../src/train/trainer';
import { firstReached } from '../../src/measure/curve';
import type { MethodResult, MethodsBench } from '../../src/measure/methods';
import { methodCharts, methodsReport } from '../../src/report/methods-report';
import { SGD } from '../../src/optim/optimizer';
import { CONSTANT } from '../../src/optim/schedule';
import { expectWellFormedTables } from '../helpers/markdown';

function result(name: string, losses: number[], samplesPerSecond: number): MethodResult {
  const history: HistoryPoint[] = losses.map((loss, i) => ({ epoch: i / 10, step: i * 60, samples: i * 6000, trainMs: i * 500, loss, accuracy: 0.9, testAccuracy: 0.8 + i / 100 }));
  return {
    method: { name, batchSize: 100, lr: 0.5, optimizer: name === 'adam' ? { ...SGD, kind: 'adam' } : SGD, schedule: CONSTANT },
    variant: 'four-kernels', samplesPerSecond,
    curve: { history, trainMs: history.at(-1)!.trainMs, evalMs: 0, toTargetLoss: firstReached(history, (h) => h.loss, 0.35, true), toTargetAccuracy: firstReached(history, (h) => h.testAccuracy, 0.9, false) },
  };
}

describe('method comparison report', () => {
  const bench: MethodsBench = {
    schema: 'downhill-methods/1', title: 'Optimisers at batch 100', problem: 'A test problem', command: 'npm run x', createdAt: '2026-11-22T00:00:00Z', adapter: { vendor: 'v', architecture: 'a', device: '', description: 'd', software: true, runtime: 'dawn-node' },
    adapterLabel: 'test adapter', environment: {}, budgetMs: 2000, seed: 1, targets: { loss: 0.35, accuracy: 0.9, metric: 'accuracy' }, trainExamples: 60000,
    results: [result('sgd', [2.3, 0.5, 0.34, 0.3, 0.29], 20000), result('adam', [2.3, 0.9, 0.6, 0.4, 0.36], 25000)],
  };
  test('a row per method, the first to the target, the lowest loss, and the speed range', () => {
    const md = methodsReport(bench, 'x');
    expect(md).toContain('# Optimisers at batch 100: test adapter, 2026-11-22');
    expect(md).toContain('| sgd | 100 | sgd | constant | 0.5 | 20,000 | 0.97 s (11,625 examples) |');
    expect(md).toMatch(/\| adam \| 100 \| adam \(β1 0.9, β2 0.999, ε 1e-8\) \| constant \| 0.5 \| 25,000 \| not reached \|/);
    expect(md).toContain('- First to loss 0.35: sgd (0.97 s).');
    expect(md).toContain('- Lowest loss after 2.00 s: sgd (0.2900).');
    expect(md).toContain('from 20,000 (sgd) to 25,000 (adam)');
    expect(expectWellFormedTables(md)).toBe(1);
  });
  test('two plots, a series per method', () => {
    const c = methodCharts(bench);
    expect(c.lossVsTime.series.map((s) => s.name)).toEqual(['sgd', 'adam']);
    expect(c.lossVsSamples.series[1]!.points[2]).toEqual([12000, 0.6]);
  });
});
