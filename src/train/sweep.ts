/**
 * A sweep: configurations (learning rates × batch sizes × optimisers) trained in one run, of
 * either model on either engine. Configurations that share a batch size share their batches, so
 * the engine stacks them (K = learning rates × optimisers) and each dispatch advances all of
 * them; batch sizes run one after another on the same engine. Every
 * configuration sees the same shuffles as a run of its own with the same seed, and ends with the
 * same weights (tested). Recorded per configuration at the start and at each epoch's end, off
 * the training clock: training loss and accuracy, running batch loss, test loss and accuracy.
 */
import type { Backend } from '../backend/backend';
import { type TrainingData, initialParams } from '../data/training-data';
import { type Optimizer, type OptimizerKind, SGD } from '../optim/optimizer';
import { epochRates } from '../optim/rates';
import { CONSTANT, type Schedule } from '../optim/schedule';
import { yieldToEventLoop } from '../event-loop';
import { epochPlan } from './plan';
import { Rng, permutation } from '../rng';
import type { HistoryPoint } from './trainer';

export interface SweepConfig {
  batchSizes: readonly number[];
  lrs: readonly number[];
  optimizers: readonly OptimizerKind[];
  epochs: number;
  seed: number;
  schedule?: Schedule;
  /** μ, β1, β2, ε shared by every configuration */
  constants?: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>;
}

export interface SweepRun {
  batchSize: number;
  lr: number;
  optimizer: OptimizerKind;
  history: HistoryPoint[];
  params: Float32Array;
  /** the loss became NaN or infinite; the other configurations went on */
  diverged: boolean;
}

export interface SweepResult {
  /** every configuration trained so far (those of a batch size not reached are missing) */
  runs: SweepRun[];
  /** the stop request that ended the sweep early (its runs stop at that step), if one did */
  stopped?: string;
  /** training time of each batch size's stack, evaluation excluded */
  groups: Array<{ batchSize: number; models: number; trainMs: number }>;
  trainMs: number;
  evalMs: number;
}

/** The configurations of one batch size, in the order the engine stacks them. */
export function sweepModels(config: Pick<SweepConfig, 'lrs' | 'optimizers'>): Array<{ lr: number; optimizer: OptimizerKind }> {
  return config.optimizers.flatMap((optimizer) => config.lrs.map((lr) => ({ lr, optimizer })));
}

/** `engine` must stack sweepModels(config).length configurations. */
export async function trainSweep(
  engine: Backend,
  data: TrainingData,
  config: SweepConfig,
  onRecord: (line: string) => void = () => {},
  stopRequested: () => string | undefined = () => undefined,
): Promise<SweepResult> {
  const examples = data.trainCount;
  const schedule = config.schedule ?? CONSTANT;
  const constants = config.constants ?? SGD;
  const runs: SweepRun[] = [];
  const groups: SweepResult['groups'] = [];
  let evalMs = 0;
  let stopped: string | undefined;
  for (const batchSize of config.batchSizes) {
    if ((stopped = stopRequested())) break;
    const models = sweepModels(config);
    if (models.length !== engine.models) throw new Error(`the engine stacks ${engine.models} configurations; the sweep has ${models.length}`);
    const plan = epochPlan(examples, batchSize);
    const configs = models.map((m) => ({ optimizer: { ...constants, kind: m.optimizer }, lr: m.lr }));
    await engine.setOptimizers(configs);
    for (let k = 0; k < models.length; k++) await engine.setParams(k, initialParams(data));
    await engine.setPlan(plan, () => stopRequested() !== undefined);
    const mine: SweepRun[] = models.map((m) => ({ batchSize, lr: m.lr, optimizer: m.optimizer, history: [], params: new Float32Array(0), diverged: false }));
    let trainMs = 0;
    let steps = 0;
    let samples = 0;
    const record = async (batchLosses?: number[]) => {
      const t0 = performance.now();
      for (const [k, run] of mine.entries()) {
        const [e, t] = [await engine.evaluate(k, 'train'), data.testCount > 0 ? await engine.evaluate(k, 'test') : undefined];
        const point: HistoryPoint = { epoch: samples / examples, step: steps, samples, trainMs, loss: e.loss, accuracy: e.accuracy };
        if (batchLosses) point.batchLoss = batchLosses[k]!;
        if (t) Object.assign(point, { testLoss: t.loss, testAccuracy: t.accuracy });
        run.history.push(point);
        // a loss that overflowed in a step shows in the running batch loss even where the
        // recorded whole-set loss is still finite
        run.diverged ||= !Number.isFinite(e.loss) || (batchLosses !== undefined && !Number.isFinite(batchLosses[k]!));
      }
      evalMs += performance.now() - t0;
    };
    await record();
    const rng = new Rng(config.seed);
    // an epoch runs in chunks of about 1% of it, so that a stop request is seen within one
    const chunk = Math.max(1, Math.ceil(plan.length / 100));
    for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
      let t0 = performance.now();
      engine.setOrder(permutation(examples, rng));
      engine.setRates(epochRates(plan.length, epoch, config.epochs, configs, schedule));
      let s = 0;
      while (s < plan.length) {
        const count = Math.min(chunk, plan.length - s);
        await engine.runSteps(s, count);
        s += count;
        steps += count;
        for (let i = s - count; i < s; i++) samples += plan[i]!.size;
        trainMs += performance.now() - t0;
        await yieldToEventLoop();
        if ((stopped = stopRequested())) break;
        t0 = performance.now();
      }
      await record(await engine.batchLoss(0, s));
      if (stopped) break;
      onRecord(`sweep: batch ${batchSize}, ${models.length} configurations, epoch ${epoch + 1}/${config.epochs} (${(trainMs / 1000).toFixed(2)} s of training)`);
    }
    for (const [k, run] of mine.entries()) run.params = await engine.getParams(k);
    runs.push(...mine);
    groups.push({ batchSize, models: models.length, trainMs });
  }
  return { runs, groups, trainMs: groups.reduce((a, g) => a + g.trainMs, 0), evalMs, ...(stopped ? { stopped } : {}) };
}

/** The best configuration: the lowest final training loss among those that did not diverge. */
export function bestRun<R extends Pick<SweepRun, 'diverged' | 'history'>>(runs: readonly R[]): R | undefined {
  return runs.filter((r) => !r.diverged).sort((a, b) => a.history.at(-1)!.loss - b.history.at(-1)!.loss)[0];
}

/**
 * The sweep's record, schema downhill-sweep/1: what `train --sweep --json` writes and the page
 * downloads (the same fields, whoever ran it). `environment` says where it ran (Node's versions,
 * or the browser's user agent); `stoppedMessage` marks a sweep ended early.
 */
export function sweepReport(
  result: SweepResult,
  config: SweepConfig & { task: TrainingData['task']; data: string; backend: string },
  adapter: unknown,
  environment: unknown,
  stoppedMessage?: string,
): Record<string, unknown> {
  const best = bestRun(result.runs);
  return {
    schema: 'downhill-sweep/1', createdAt: new Date().toISOString(), adapter, environment,
    config: {
      task: config.task, lrs: config.lrs, batchSizes: config.batchSizes, optimizers: config.optimizers, epochs: config.epochs, seed: config.seed,
      schedule: config.schedule ?? CONSTANT, constants: config.constants ?? SGD, data: config.data, backend: config.backend,
    },
    ...(stoppedMessage ? { stopped: { reason: 'interrupted', message: stoppedMessage } } : {}),
    groups: result.groups, trainMs: result.trainMs, evalMs: result.evalMs,
    best: best ? { batchSize: best.batchSize, optimizer: best.optimizer, lr: best.lr } : null,
    runs: result.runs.map(({ params: _, ...r }) => r),
  };
}
