/**
 * A callback of fit's that fails, synchronously or by a rejected promise, makes fit reject the one
 * way (hostile3 #19): TrainingStopped 'failed', with the history so far and what the callback
 * threw as its cause; never the raw error, and never an unhandled rejection.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Engine, type FitOptions, TrainingStopped, UserError, classificationData, createEngine, fit } from '../../src/index';

const image = (n: number) => new Uint8Array(n * 784).map((_, i) => (i * 7) % 256);
const data = classificationData({ images: image(4), labels: new Uint8Array([0, 1, 2, 3]), count: 4, features: 784 }, null, { kind: 'arrays' }, 'four images');
let engine: Engine;
beforeAll(async () => {
  engine = await createEngine(data, 'cpu');
});
afterAll(() => engine.destroy());

const cause = new Error('disk on fire');
const throwing = () => {
  throw cause;
};
const rejecting = async () => {
  throw cause;
};
const everyStep = (write: () => unknown): FitOptions => ({ checkpoint: { everySteps: 1, write: write as never } });

describe('a failing callback stops fit with TrainingStopped failed', () => {
  test.each([
    { name: 'checkpoint.write throws', options: everyStep(throwing), callback: 'checkpoint.write' },
    { name: 'checkpoint.write rejects', options: everyStep(rejecting), callback: 'checkpoint.write' },
    { name: 'onProgress throws', options: { onProgress: throwing }, callback: 'onProgress' },
    { name: 'onProgress rejects', options: { onProgress: rejecting }, callback: 'onProgress' },
  ])('$name', async ({ options, callback }) => {
    const e = await fit(engine, data, { epochs: 3, batchSize: 1, recordEvery: 1, ...options }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TrainingStopped);
    const stopped = e as TrainingStopped;
    expect(stopped.reason).toBe('failed');
    expect(stopped.message).toBe(`${callback} failed: disk on fire`);
    expect(stopped.cause).toBe(cause);
    expect(Array.isArray(stopped.history)).toBe(true);
    // the engine is free again: a plain fit runs
    await expect(fit(engine, data, { epochs: 1, batchSize: 4 })).resolves.toBeDefined();
  });

  test.each([false, true])('a UserError from checkpoint.write keeps its line and exit code (async %s)', async (async) => {
    const refused = new UserError('cannot write ck: disk full');
    const write = async ? async () => { throw refused; } : () => { throw refused; };
    const e = await fit(engine, data, { epochs: 1, batchSize: 1, ...everyStep(write) }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TrainingStopped);
    expect(e).toMatchObject({ reason: 'failed', message: 'cannot write ck: disk full', exitCode: 2, cause: refused });
  });
});
