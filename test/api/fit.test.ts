/**
 * The library API as a TypeScript user meets it (src/index.ts): fit with defaults, progress
 * callbacks, an AbortSignal that stops at a step boundary with a checkpoint, resume from that
 * checkpoint to the same weights bit for bit, typed errors, and weights saved and loaded, for
 * both models on both engines.
 */
import { describe, expect, test } from 'vitest';
import {
  type Checkpoint, type Engine, type FitOptions, type TrainingData, TrainingStopped, UserError,
  classificationData, createEngine, decodeCheckpoint, decodeWeights, encodeCheckpoint, encodeWeights, fit, modelOf, syntheticData,
} from '../../src/index';
import { testGpu } from '../helpers/gpu';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const DATA: Record<string, () => TrainingData> = {
  classifier: () => classificationData(head(mnist().train, 600), head(mnist().test, 100), { kind: 'arrays' }, 'the first 600 MNIST images'),
  regression: () => syntheticData(500, 7, 0.3, 4),
};

async function engineFor(data: TrainingData, backend: string): Promise<Engine> {
  return backend === 'cpu' ? createEngine(data, 'cpu') : createEngine(data, await testGpu(), { stepVariant: 'four-kernels' });
}

async function withEngine<T>(data: TrainingData, backend: string, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await engineFor(data, backend);
  try {
    return await body(engine);
  } finally {
    await engine.destroy();
  }
}

const CASES = ['classifier', 'regression'].flatMap((model) => ['webgpu', 'cpu'].map((backend) => ({ model, backend })));
const METHOD: FitOptions = { batchSize: 32, epochs: 2, lr: 0.05, optimizer: { kind: 'adam', beta2: 0.99 }, schedule: { kind: 'cosine', warmup: 3 } };

describe.each(CASES)('$model on $backend', ({ model, backend }) => {
  const data = DATA[model]!();

  test('defaults, progress at every recording, a test evaluation at the end', async () => {
    const recorded: number[] = [];
    const result = await withEngine(data, backend, (engine) => fit(engine, data, { epochs: 1, onProgress: (_p, point) => point && recorded.push(point.step) }));
    expect(result.config.batchSize).toBe(100);
    expect(result.config.optimizer.kind).toBe('sgd');
    // the rate is the data's, and says so; the run went down without a warning
    expect(result.config.lrReason).toMatch(new RegExp(`^lr ${result.config.lr} = .*1/L.*; --lr overrides$`));
    expect(result.warnings).toEqual([]);
    expect(recorded).toEqual(result.history.map((h) => h.step));
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    expect(result.test!.count).toBe(data.testCount);
  });

  test('aborted mid-run: TrainingStopped with the history so far, then resumed to the same weights bit for bit', async () => {
    const whole = await withEngine(data, backend, (engine) => fit(engine, data, METHOD));
    const controller = new AbortController();
    let last: Checkpoint | undefined;
    const stopped = await withEngine(data, backend, (engine) =>
      fit(engine, data, {
        ...METHOD,
        signal: controller.signal,
        onProgress: (p) => p.step >= 7 && p.epoch === 1 && controller.abort('test'),
        checkpoint: { everySteps: 1e9, write: (c) => void (last = decodeCheckpoint(encodeCheckpoint(c), 'checkpoint')) },
      }).catch((e: unknown) => e),
    );
    expect(stopped).toBeInstanceOf(TrainingStopped);
    const e = stopped as TrainingStopped;
    expect(e.reason).toBe('interrupted');
    expect(e.message).toMatch(/^stopped by test after update \d+$/);
    expect(e.history.length).toBeGreaterThan(0);
    expect(last!.state.steps).toBe(e.step);
    expect(e.step).toBeLessThan(whole.steps);
    const resumed = await withEngine(data, backend, (engine) => fit(engine, data, { resume: { checkpoint: last!, name: 'the checkpoint' } }));
    expect(Buffer.from(resumed.params.buffer).equals(Buffer.from(whole.params.buffer))).toBe(true);
    // the same curve, except the running batch loss of the first recording after the resume,
    // which covers the updates since the resume only (the earlier examples' losses are not checkpointed)
    const firstAfter = whole.history.findIndex((p) => p.step > e.step);
    const curve = (h: typeof whole.history) => h.map((p, i) => [p.step, p.loss, p.accuracy, i === firstAfter ? 'since the resume' : p.batchLoss]);
    expect(curve(resumed.history)).toEqual(curve(whole.history));
    expect(resumed.history[firstAfter]!.batchLoss).toBeGreaterThan(0);
  });

  test('resuming with an option that differs is refused, naming it', async () => {
    let saved: Checkpoint | undefined;
    await withEngine(data, backend, (engine) => fit(engine, data, { ...METHOD, epochs: 1, checkpoint: { write: (c) => void (saved = c) } }));
    await withEngine(data, backend, async (engine) => {
      await expect(fit(engine, data, { resume: { checkpoint: saved!, name: 'ckpt' }, lr: 0.5 })).rejects.toThrow(new UserError('ckpt was written by a different run: its lr is 0.05, this run\'s is 0.5'));
      await expect(fit(engine, data, { resume: { checkpoint: saved!, name: 'ckpt' }, epochs: 0 })).rejects.toThrow(UserError);
      // a cosine spans the run: other epochs would change the curve the run so far followed
      await expect(fit(engine, data, { resume: { checkpoint: saved!, name: 'ckpt' }, epochs: 3 })).rejects.toThrow(new UserError('ckpt follows a cosine schedule over its 1 epoch; epochs 3 would change that curve (it spans the whole run), so the run so far would not be the one continued: resume with epochs 1, or leave it out'));
      // a setting of several fields: the field that differs, by its name (the kind alone where the kind differs)
      await expect(fit(engine, data, { resume: { checkpoint: saved!, name: 'ckpt' }, optimizer: { kind: 'sgd' } })).rejects.toThrow(new UserError('ckpt was written by a different run: its optimizer.kind is adam, this run\'s is sgd'));
      await expect(fit(engine, data, { resume: { checkpoint: saved!, name: 'ckpt' }, optimizer: { kind: 'adam' } })).rejects.toThrow(new UserError('ckpt was written by a different run: its optimizer.beta2 is 0.99, this run\'s is 0.999'));
    });
  });

  test('weights saved and loaded for this model; the other model\'s file is refused', async () => {
    const result = await withEngine(data, backend, (engine) => fit(engine, data, { epochs: 1 }));
    const file = encodeWeights(result.params, modelOf(data), data.features);
    expect(decodeWeights(file, 'w', modelOf(data), data.features)).toEqual(result.params);
    const other = DATA[model === 'classifier' ? 'regression' : 'classifier']!();
    expect(() => decodeWeights(file, 'w', modelOf(other), data.features)).toThrow(/^w: weights are for a (softmax-classifier|linear-regression) model; this needs a/);
  });
});
