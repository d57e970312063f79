/**
 * Report generation on synthetic results: the table carries the measured numbers, targets not
 * reached say so, the conclusions follow the numbers (both ways), and the plots are valid SVG
 * with one line per series.
 */
import { describe, expect, test } from 'vitest';
import { firstReached } from '../../src/measure/curve';
import { type BenchResults, ENGINES, type EngineResult, type RunResult, resultsBaseName } from '../../src/measure/results';
import { summarize } from '../../src/measure/stats';
import { ratio, throughputKnee } from '../../src/report/analysis';
import { conclusions, markdownReport, plots } from '../../src/report/bench-report';
import { lineChart, niceLog, ticks } from '../../src/report/svg';
import type { HistoryPoint } from '../../src/train/trainer';
import { expectWellFormedTables } from '../helpers/markdown';

const N = 60000;
const point = (trainMs: number, step: number, batch: number, loss: number, testAccuracy: number): HistoryPoint => ({
  epoch: (step * batch) / N, step, samples: step * batch, trainMs, loss, accuracy: testAccuracy, testLoss: loss, testAccuracy,
});

function run(batchSize: number, samplesPerSecond: number, history?: HistoryPoint[]): RunResult {
  const r: RunResult = {
    batchSize, lr: 0.5,
    throughput: {
      stepsPerRep: 10,
      samplesPerSecond: summarize([samplesPerSecond * 0.9, samplesPerSecond, samplesPerSecond * 1.1]),
      updatesPerSecond: summarize([samplesPerSecond / batchSize]),
      epochMs: (N / samplesPerSecond) * 1000,
    },
  };
  if (history) {
    r.curve = {
      history, trainMs: history.at(-1)!.trainMs, evalMs: 100,
      toTargetLoss: firstReached(history, (p) => p.loss, 0.35, true),
      toTargetAccuracy: firstReached(history, (p) => p.testAccuracy, 0.9, false),
    };
  }
  return r;
}

const adapter = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader driver 5.0.0', software: true, runtime: 'dawn-node' as const };
function results(gdReaches: boolean): BenchResults {
  const downhill: EngineResult = {
    engine: 'downhill-webgpu', adapter, setupMs: 1,
    runs: [
      run(1, 2000, [point(0, 0, 1, 2.3, 0.1), point(10, 10, 1, 1.5, 0.6), point(5000, 10000, 1, 0.4, 0.89)]),
      run(10, 11000, [point(0, 0, 10, 2.3, 0.1), point(500, 500, 10, 1.0, 0.8), point(3000, 3000, 10, 0.34, 0.905)]),
      run(100, 30000, [point(0, 0, 100, 2.3, 0.1), point(300, 90, 100, 0.8, 0.85), point(1500, 450, 100, 0.345, 0.91)]),
      // in the second case GD reaches the target first (1.0 s against batch 100's 1.5 s)
      run(N, 25000, [point(0, 0, N, 2.3, 0.1), point(gdReaches ? 1000 : 2400, 1, N, gdReaches ? 0.3 : 1.8, 0.68)]),
    ],
  };
  const peer: EngineResult = { engine: 'tfjs-webgpu', adapter, setupMs: 1, runs: [run(1, 100), run(10, 500), run(100, 1000), { batchSize: N, lr: 0.5, error: 'out of memory' }] };
  return {
    schema: 'downhill-bench/1', createdAt: '2026-11-22T12:00:00.000Z',
    config: { batchSizes: [1, 10, 100, 'full'], lrs: [0.01, 0.1, 0.5, 0.5], engines: ['downhill-webgpu', 'tfjs-webgpu'], budgetMs: 5000, reps: 3, targetLoss: 0.35, targetAccuracy: 0.9, seed: 1, full: false, adapter: 'auto' },
    environment: { cpuModel: 'test cpu', cores: 2, node: 'v20', webgpuPackage: '0.6.2', tfjs: '4.22.0', gitCommit: 'abc' },
    adapter,
    engines: [downhill, peer],
  };
}
const files = { lossVsTime: 'a.svg', lossVsSamples: 'b.svg', throughput: 'c.svg' };

/** results with downhill's work counts at batch 10 and 100, kernel timings, and a skipped PyTorch peer */
function withCountsAndSkippedPeer(): BenchResults {
  const r = results(false);
  const main = r.engines[0]!;
  const kernels = (dispatches: number, groups: number) => ({ forward: { dispatches, workgroups: dispatches * groups, workgroupSize: 64 } });
  main.runs[1]!.throughput!.variant = 'four-kernels (measured)';
  main.runs[1]!.throughput!.work = {
    steps: 2000, calls: 5, counted: { dispatches: 8000, submits: 10, waits: 5, readbackBytes: 80000, kernels: kernels(2000, 1) },
    perEpoch: { dispatches: 24000, submits: 30, waits: 15, readbackBytes: 240000 },
  };
  main.runs[2]!.throughput!.work = {
    steps: 300, calls: 3, counted: { dispatches: 1200, submits: 3, waits: 3, readbackBytes: 120000, kernels: kernels(300, 2) },
    perEpoch: { dispatches: 2400, submits: 6, waits: 6, readbackBytes: 240000 },
  };
  main.kernels = {
    timestamps: true, copyCeilingGBps: 1.5, copyBytes: 64 * 2 ** 20,
    results: [{ kernel: 'forward', rows: 100, dispatches: 64, microsecondsPerDispatch: 120, microsecondsRange: [110, 130], gpuMicrosecondsPerDispatch: 95.5, gflopsPerSecond: 1.3, gigabytesPerSecond: 0.7, bandwidthFraction: 0.45 }],
  };
  r.engines.push({ engine: 'pytorch-cpu', adapter: { ...adapter, description: 'PyTorch on the CPU' }, setupMs: 0, runs: [], skipped: 'no Python could import torch' });
  r.config.engines.push('pytorch-cpu');
  return r;
}

describe('results analysis', () => {
  test('the target crossing is interpolated between the recorded points around it', () => {
    const h = [point(0, 0, 10, 2.3, 0.1), point(1000, 100, 10, 0.5, 0.8), point(3000, 300, 10, 0.3, 0.92)];
    // loss 0.5 -> 0.3 between 1 s and 3 s: 0.35 is three quarters of the way
    const r = firstReached(h, (p) => p.loss, 0.35, true)!;
    expect([r.trainMs, r.samples, r.step]).toBeAllclose([2500, 2500, 250], { atol: 1e-9, rtol: 1e-12 });
    expect([r.before, r.after]).toEqual([{ trainMs: 1000, samples: 1000, step: 100 }, { trainMs: 3000, samples: 3000, step: 300 }]);
    expect(firstReached(h, (p) => p.testAccuracy, 0.9, false)!.trainMs).toBeCloseTo(1000 + 2000 * (0.1 / 0.12));
    expect(firstReached(h, (p) => p.loss, 0.1, true)).toBeNull();
    expect(firstReached(h, (p) => p.loss, 3, true)).toMatchObject({ trainMs: 0, before: null });
  });

  test('ratios per batch size, undefined where a peer failed', () => {
    const r = results(false);
    expect(ratio(r, 'tfjs-webgpu', 100)).toBeCloseTo(30);
    expect(ratio(r, 'tfjs-webgpu', N)).toBeUndefined();
  });

  test('the throughput knee is the smallest batch within 80% of the best', () => {
    expect(throughputKnee([{ batchSize: 1, samplesPerSecond: 10 }, { batchSize: 10, samplesPerSecond: 85 }, { batchSize: 100, samplesPerSecond: 100 }])).toEqual({ batchSize: 10, samplesPerSecond: 85, best: 100 });
    expect(throughputKnee([])).toBeUndefined();
  });

  test('file names carry the adapter, the date, and the engines measured where they are not all', () => {
    const r = results(false);
    expect(resultsBaseName(r)).toBe('google-swiftshader-2026-11-22-downhill-webgpu-tfjs-webgpu');
    expect(resultsBaseName({ ...r, config: { ...r.config, engines: [...ENGINES] } })).toBe('google-swiftshader-2026-11-22');
    const cpu = { ...adapter, vendor: 'cpu', architecture: '' };
    const pytorch = { ...r, adapter: cpu, config: { ...r.config, engines: ['pytorch-cpu' as const] } };
    const tfjsAndCpu = { ...r, adapter: cpu, config: { ...r.config, engines: ['tfjs-wasm' as const, 'downhill-cpu' as const] } };
    expect(resultsBaseName(pytorch)).toBe('cpu-2026-11-22-pytorch-cpu');
    expect(resultsBaseName(tfjsAndCpu)).toBe('cpu-2026-11-22-tfjs-wasm-downhill-cpu');
  });
});

describe('markdown report', () => {
  const md = markdownReport(results(false), files);
  test('summary rows with medians, spreads, targets and ratios', () => {
    // batch 100 crosses loss 0.35 at f = 0.45 / 0.455 of the way from (0.3 s, 9,000) to (1.5 s, 45,000),
    // and test accuracy 0.9 at f = 5/6 of the way from 0.3 s to 1.5 s
    expect(md).toMatch(/\| 100 \| 0\.5 \| 30,000 \(27,000–33,000, n=3\) \| 300 \| 2\.00 s \| 1\.49 s \| 44,604 \| 1\.30 s \| 0\.3450 \| 91\.00% \| 30x \|/);
    expect(md).toMatch(/\| 60,000 \(full\) \| 0\.5 \| 25,000 .* \| 0\.42 \| 2\.40 s \| not reached \| not reached \| not reached \| 1\.8000 \| 68\.00% \| n\/a \|/);
    expect(md).toContain('failed: out of memory');
    expect(md).toContain('![loss against time](a.svg)');
  });

  test('conclusions follow the numbers', () => {
    const c = conclusions(results(false)).join('\n');
    expect(c).toMatch(/batch 100 reached loss 0\.35 after 1\.49 s \(44,604 examples, 446 updates\); GD did not reach loss 0\.35 within 5\.00 s \(lowest 1\.8000 after 1 updates\)\. Mini-batch 100 gets there sooner/);
    expect(c).toMatch(/batch 10 processes 11,000 samples\/s, SGD 2,000: 5\.50x the throughput/);
    // best 30,000 at batch 100; 80% of it is 24,000, which batch 60,000 (25,000) also passes, but 100 is smaller
    expect(c).toMatch(/Throughput knee: samples\/s reach 80% of the best measured \(30,000\) at batch 100 \(30,000\)/);
    expect(c).toMatch(/Against tfjs-webgpu: downhill is 20x \(batch 1\) to 30x \(batch 100\)/);
    // common examples: min of the curves' last points (10,000 for SGD, 30,000, 45,000) = 10,000;
    // SGD 0.4; batch 10 between 5,000 (1.0) and 30,000 (0.34): 1.0 - 0.66 * 5/25 = 0.868;
    // batch 100 between 9,000 (0.8) and 45,000 (0.345): 0.8 - 0.455 * 1/36
    expect(c).toMatch(/after 10,000 examples the training loss is 0\.4000 at batch 1, 0\.8680 at batch 10, 0\.7874 at batch 100; batch 1 has made the most progress per example, as the textbook says/);
    // when GD gets there first, the report says the textbook picture does not hold
    expect(conclusions(results(true)).join('\n')).toMatch(/does not get there sooner here, unlike the textbook/);
  });
});

describe('work counts, GPU time and skipped peers in the report', () => {
  const md = markdownReport(withCountsAndSkippedPeer(), files);
  test('a row per counted batch size: per epoch, per step, and invocations per dispatch', () => {
    expect(md).toContain('## Work asked of the device (downhill on WebGPU)');
    expect(md).toContain('| 10 | four-kernels | 2,000 | 24,000 | 4 | 30 | 15 | 234.4 KiB | forward 64 (1 × 64) |');
    expect(md).toMatch(/\| 100 \| n\/a \| 300 \| 2,400 \| 4 \| 6 \| 6 \| 234\.4 KiB \| forward 128 \(2 × 64\) \|/);
  });

  test('GPU µs beside the wall time, and what they are', () => {
    expect(md).toContain('| forward | 100 | 120.0 (110–130) | 95.5 | 1.30 | – | 0.70 | 45.00% |');
    expect(md).toContain("timed by the device's timestamp queries");
    const r = withCountsAndSkippedPeer();
    r.engines[0]!.kernels!.timestamps = false;
    r.engines[0]!.kernels!.results[0]!.gpuMicrosecondsPerDispatch = null;
    const without = markdownReport(r, files);
    expect(without).toContain("no 'timestamp-query' feature");
    expect(without).toContain('| forward | 100 | 120.0 (110–130) | n/a |');
  });

  test('a skipped peer says so and why, in its columns and its cells, and draws no line', () => {
    expect(md).toContain('- pytorch-cpu: skipped: no Python could import torch');
    expect(md).toMatch(/\| 100 \| 0\.5 \| 30,000 .* \| 30x \| skipped \|/);
    expect(md).toMatch(/\| 100 \| .* \| skipped \|\n/);
    expect(plots(withCountsAndSkippedPeer()).throughput!.match(/<polyline/g)).toHaveLength(2);
  });
});

describe('SVG plots', () => {
  test('one polyline per series with more than one drawable point; valid structure', () => {
    const svg = plots(results(false));
    expect(svg.lossVsTime!.startsWith('<svg')).toBe(true);
    expect(svg.lossVsTime!.trim().endsWith('</svg>')).toBe(true);
    // on a log time axis the t = 0 points cannot be drawn: the GD curve is a single marker
    expect(svg.lossVsTime!.match(/<polyline/g)).toHaveLength(3);
    expect(svg.throughput!.match(/<polyline/g)).toHaveLength(2);
    expect(svg.throughput).toContain('stroke-dasharray');
  });

  test('log ticks land on the 1-2-5 grid and include both ends', () => {
    expect(niceLog(10500, 'down')).toBe(10000);
    expect(niceLog(31000, 'up')).toBe(50000);
    expect(ticks(10000, 50000, true)).toEqual([10000, 20000, 50000]);
    expect(ticks(1, 100000, true)).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(ticks(0, 2.3, false)).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  test('without curves the loss plots are left out, not drawn empty', () => {
    const r = results(false);
    for (const x of r.engines[0]!.runs) delete x.curve;
    const svg = plots(r);
    expect(Object.keys(svg)).toEqual(['throughput']);
    expect(markdownReport(r, { throughput: 'c.svg' })).not.toContain('loss against time');
  });

  test('a chart with nothing drawable is an error, not an empty picture', () => {
    expect(() => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', xLog: true, series: [{ name: 's', points: [[0, 1]] }] })).toThrow(/no points/);
  });
});

describe('every markdown table the report writes has as many cells in its delimiter row and rows as in its header', () => {
  const alone = (): BenchResults => {
    const r = results(false);
    r.engines = [r.engines[0]!];
    r.engines[0]!.runs.push({ batchSize: 1000, lr: 0.5, error: 'out of memory' });
    r.config.engines = ['downhill-webgpu'];
    return r;
  };
  const peersOnly = (): BenchResults => {
    const r = withCountsAndSkippedPeer();
    r.engines = [r.engines[2]!, r.engines[1]!];
    r.config.engines = ['pytorch-cpu', 'tfjs-webgpu'];
    return r;
  };
  test.each([
    ['downhill and a peer with a failed run', () => results(false), 2],
    ['work counts, kernels and a skipped peer', withCountsAndSkippedPeer, 4],
    ['downhill alone, with a failed run (no peer columns)', alone, 2],
    ['peers only, the first one skipped', peersOnly, 2],
  ])('%s', (_name, make, tables) => {
    const md = markdownReport(make(), files);
    expect(expectWellFormedTables(md)).toBe(tables);
  });
  test('peers only: the throughput table has a row per batch size the peers measured', () => {
    expect(markdownReport(peersOnly(), files)).toMatch(/\| 100 \| skipped \| 1,000 \(900–1,100, n=3\) \|/);
  });
});
