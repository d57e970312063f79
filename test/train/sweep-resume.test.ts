/**
 * A sweep is checkpointable: stopped at any checkpoint (mid-epoch, at an epoch's end, between
 * batch sizes) and resumed from it, it ends with the same weights, bit for bit, and the same
 * curves as the sweep that ran through. The library function, in-process.
 */
import { describe, expect, test } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu';
import { WebGpuBackend } from '../../src/backend/webgpu';
import type { TrainingData } from '../../src/data/training-data';
import { type SweepConfig, type SweepResult, type SweepState, sweepModels, trainSweep } from '../../src/train/sweep';
import { classifierData } from '../helpers/data';
import { testGpu } from '../helpers/gpu';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const data = classifierData({ train: head(mnist().train, 120), test: head(mnist().test, 30) });
const config: SweepConfig = { batchSizes: [16, 5], lrs: [0.01, 0.1], optimizers: ['sgd', 'adam'], epochs: 2, seed: 4, schedule: { kind: 'cosine', every: 1, factor: 1, warmup: 3 } };

async function sweepOn(device: 'cpu' | 'webgpu', training: TrainingData, control: Parameters<typeof trainSweep>[4]): Promise<SweepResult> {
  const K = sweepModels(config).length;
  const engine = device === 'cpu' ? new CpuBackend(training, K) : await WebGpuBackend.create(await testGpu(), training, { models: K });
  try {
    return await trainSweep(engine, training, config, () => {}, control);
  } finally {
    await engine.destroy();
  }
}

/**
 * What must not change: every configuration's weights' bytes and its recorded curve, but the
 * clocks and the running batch loss, which after a mid-epoch resume covers the updates since the
 * resume only (a run's too: TrainState.windowFirst).
 */
function outcome(r: SweepResult) {
  return r.runs.map((run) => ({
    ...run, params: Buffer.from(run.params.buffer).toString('base64'),
    history: run.history.map(({ trainMs: _, batchLoss: __, ...point }) => point),
  }));
}

describe('a sweep resumed from a checkpoint ends as the sweep that ran through', () => {
  test.each(['cpu', 'webgpu'] as const)('%s: from every checkpoint, and after a stop', async (device) => {
    const states: SweepState[] = [];
    const through = await sweepOn(device, data, { checkpoint: { everySteps: 7, write: (s) => void states.push(s) } });
    // mid-epoch, epoch ends, and the boundary between batch sizes (current: null) are all among them
    expect(states.some((s) => s.current === null && s.groups.length === 1)).toBe(true);
    expect(states.some((s) => s.current !== null && s.current.state.stepInEpoch > 0)).toBe(true);
    for (const resume of device === 'cpu' ? states : states.filter((_, i) => i % 4 === 1)) {
      expect(outcome(await sweepOn(device, data, { resume })), `resumed at ${resume.groups.length} batch sizes done, update ${resume.current?.state.steps}`).toEqual(outcome(through));
    }
    // a stop: the result says so, and the stop's checkpoint resumes to the same end
    let polls = 0;
    const written: SweepState[] = [];
    const stopped = await sweepOn(device, data, { stopRequested: () => (++polls > 30 ? 'SIGINT' : undefined), checkpoint: { everySteps: 7, write: (s) => void written.push(s) } });
    expect(stopped.stopped).toBe('SIGINT');
    expect(outcome(await sweepOn(device, data, { resume: written.at(-1)! }))).toEqual(outcome(through));
  });

  test('a state that is not this sweep\'s is refused in words', async () => {
    const states: SweepState[] = [];
    await sweepOn('cpu', data, { checkpoint: { write: (s) => void states.push(s) } });
    const finished = states.at(-1)!;
    await expect(sweepOn('cpu', data, { resume: { ...finished, groups: [{ batchSize: 7, models: 4, trainMs: 0 }, ...finished.groups.slice(1)] } })).rejects.toThrow(/cannot resume this sweep from that state: it holds batch sizes 7, 5 done/);
  });
});
