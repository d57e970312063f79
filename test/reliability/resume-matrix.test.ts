/**
 * Exact resume through the library's fit, for every case of the resume matrix
 * (test/helpers/resume-matrix.ts: every optimiser x schedule x backend x step variant of the
 * classifier, every optimiser x backend of linear regression on CSV and synthetic data). Each case
 * trains four times on one engine, as the command's four launches would:
 *   1. uninterrupted;
 *   2. stopped at its first periodic checkpoint: only that checkpoint's bytes survive (a SIGKILL);
 *   3. resumed from it, with the data loaded again from the origin it records and the step variant
 *      it records (as `--resume` does), and stopped by its AbortSignal ('SIGTERM') after its next
 *      checkpoint, keeping the last checkpoint written;
 *   4. resumed from that to the end.
 * Every checkpoint goes through encodeCheckpoint and decodeCheckpoint: the bytes a file would hold.
 * The final parameters must be byte-identical to the uninterrupted run's.
 * test/hostile/resume-matrix.test.ts runs a few of these cases through the real command.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FitOptions, fit } from '../../src/api/fit';
import { loadCsv, loadMnist, loadOrigin, syntheticData } from '../../src/api/load-node';
import type { Backend } from '../../src/backend/backend';
import { CpuBackend } from '../../src/backend/cpu';
import { type StepVariant, WebGpuBackend } from '../../src/backend/webgpu';
import type { TrainingData } from '../../src/data/training-data';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { TrainingStopped } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { CSV_TARGET, MATRIX, type MatrixCase, type MatrixData, SEED, SYNTHETIC, fitOptions, matrixFiles } from '../helpers/resume-matrix';

async function load(data: MatrixData): Promise<TrainingData> {
  const f = matrixFiles();
  switch (data) {
    case 'small': return loadMnist(f.small);
    case 'medium': return loadMnist(f.medium);
    case 'large': return loadMnist(f.large);
    case 'csv': return loadCsv(f.csv, CSV_TARGET, SEED);
    case 'synthetic': return syntheticData(SYNTHETIC.rows, SYNTHETIC.features, SYNTHETIC.noise, SEED);
  }
}

/** Runs the step variant asked for (WebGPU), as `--step-variant` or a checkpoint's record of it would. */
function useVariant(engine: Backend, variant: string | null): void {
  if (engine instanceof WebGpuBackend && variant !== null) engine.setVariantChoice(variant as StepVariant);
}

interface Stopped {
  /** each checkpoint written, decoded from its bytes */
  written: Checkpoint[];
  error: TrainingStopped;
}

/** Trains with checkpoints every `every` updates and aborts the signal ('SIGTERM') inside the first checkpoint's write. */
async function stopAtFirstCheckpoint(engine: Backend, data: TrainingData, options: FitOptions, every: number): Promise<Stopped> {
  const stop = new AbortController();
  const written: Checkpoint[] = [];
  const write = (c: Checkpoint) => {
    written.push(decodeCheckpoint(encodeCheckpoint(c), 'ckpt'));
    stop.abort('SIGTERM');
  };
  const error = await fit(engine, data, { ...options, signal: stop.signal, checkpoint: { everySteps: every, write } }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TrainingStopped);
  return { written, error: error as TrainingStopped };
}

/** Continues a checkpoint's run as `--resume` does: its data loaded again from its origin, its step variant. */
async function resumeOptions(engine: Backend, saved: Checkpoint): Promise<{ data: TrainingData; options: FitOptions }> {
  useVariant(engine, saved.run.stepVariant);
  return { data: await loadOrigin(saved.run.origin, saved.run.seed), options: { resume: { checkpoint: saved, name: '--resume ckpt' } } };
}

/** The variant the case runs: the one asked for, WebGPU's only one (regression), or none (the CPU). */
function expectedVariant(c: MatrixCase): string | null {
  return c.backend === 'cpu' ? null : (c.variant ?? 'four-kernels');
}

function bytes(params: Float32Array): Buffer {
  return Buffer.from(params.buffer, params.byteOffset, params.byteLength);
}

async function openEngine(data: TrainingData, backend: MatrixCase['backend']): Promise<Backend> {
  return backend === 'cpu' ? new CpuBackend(data) : WebGpuBackend.create(await testGpu(), data);
}

/** One engine per data and backend, as each of the command's launches would open; its cases in turn. */
const GROUPS = [...new Set(MATRIX.map((c) => `${c.data} on ${c.backend}`))].map((name) => ({ name, cases: MATRIX.filter((c) => `${c.data} on ${c.backend}` === name) }));

describe.each(GROUPS)('$name', ({ cases }) => {
  let data: TrainingData;
  let engine: Backend;
  beforeAll(async () => {
    data = await load(cases[0]!.data);
    engine = await openEngine(data, cases[0]!.backend);
  });
  afterAll(async () => engine?.destroy());

  test.each(cases)('$name: uninterrupted = killed at a checkpoint, resumed, stopped, resumed: byte-identical parameters', async (c) => {
    useVariant(engine, c.variant);
    const whole = await fit(engine, data, fitOptions(c));
    expect(engine.stepVariant).toBe(expectedVariant(c));

    // 1. killed: its first periodic checkpoint is all that is left
    const killed = (await stopAtFirstCheckpoint(engine, data, fitOptions(c), c.every)).written[0]!;
    expect(killed.run.stepVariant).toBe(expectedVariant(c));
    expect(killed.state.steps).toBeGreaterThan(0);
    expect(killed.state.steps).toBeLessThan(whole.steps);

    // 2. resumed from it and stopped after its next checkpoint, which holds the update it stopped at
    const second = await resumeOptions(engine, killed);
    const { written, error } = await stopAtFirstCheckpoint(engine, second.data, second.options, c.every);
    expect(error.exitCode).toBe(143);
    const stopped = written.at(-1)!;
    expect(stopped.state.steps).toBe(error.step);
    expect(stopped.state.steps).toBeGreaterThan(killed.state.steps);
    expect(stopped.state.steps).toBeLessThan(whole.steps);

    // 3. resumed again, to the end
    const last = await resumeOptions(engine, stopped);
    const resumed = await fit(engine, last.data, last.options);
    expect(engine.stepVariant).toBe(expectedVariant(c));
    expect(resumed.steps).toBe(whole.steps);
    expect(bytes(resumed.params).equals(bytes(whole.params))).toBe(true);
  });
});
