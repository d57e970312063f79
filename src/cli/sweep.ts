/**
 * train --sweep: every combination of --lrs, --batch-sizes and --optimizers trained in one run,
 * of either model on either backend, the configurations of each batch size stacked so that each
 * dispatch advances all of them. Prints a row per configuration and the best one; --json writes
 * every curve.
 */
import { openEngine } from '../api/open-node';
import type { BackendChoice } from '../api/engine';
import type { TrainingData } from '../data/training-data';
import type { AdapterChoice } from '../device/adapter-node';
import { nodeEnvironment } from '../io/environment';
import { reportJson } from '../io/run-report';
import { type InputRequest, type Output, checkOutputs, lockOutputs, toStandardOutput, writeOutputs } from '../io/outputs';
import type { Optimizer } from '../optim/optimizer';
import { type Schedule, describeSchedule } from '../optim/schedule';
import { checkScheduleFits, defaultBatchSize, resolveBatchSize } from '../train/options';
import { epochPlan } from '../train/plan';
import { cliNaming, parseBatchSize, parseLearningRate, parseList, parseOptimizerKind } from '../command/args';
import { bestRun, sweepModels, sweepReport, trainSweep } from '../train/sweep';
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';
import { count, fixed4, percent, rSquared, seconds } from './format';
import type { StopRequests } from '../command/stop';
import { checkOutputsToStandardOutput } from '../command/standard-output';

export interface SweepOptions {
  lrs: string;
  /** absent: the default batch size (100, or every example where there are fewer) */
  batchSizes?: string;
  optimizers: string;
  epochs: number;
  seed: number;
  schedule: Schedule;
  constants: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>;
  /** the files the data is read from (no output may overwrite one), and how it is loaded */
  inputs: InputRequest[];
  load: (whileLoading: () => void) => Promise<TrainingData>;
  backend: BackendChoice;
  adapter: AdapterChoice;
  json?: string;
  stop: StopRequests;
}

/** A sweep's fields by its lists' flags. */
export const SWEEP_FLAGS: Record<string, string> = { batchSize: '--batch-sizes', lr: '--lrs', 'optimizer.kind': '--optimizers' };

export async function sweepCommand(o: SweepOptions): Promise<void> {
  // the output is checked and locked before any work: a sweep is not lost to a bad path at its end
  const outputs = checkOutputs(o.json === undefined ? [] : [{ flag: '--json', path: o.json, stdoutAllowed: true }], o.inputs);
  checkOutputsToStandardOutput(outputs);
  const release = lockOutputs(outputs);
  try {
    await sweep(o, outputs[0]);
  } finally {
    release();
  }
}

async function sweep(o: SweepOptions, json: Output | undefined): Promise<void> {
  const log = (json !== undefined && toStandardOutput(json)) ? process.stderr : process.stdout;
  const say = (line: string) => log.write(`${line}\n`);
  const lrs = parseList('--lrs', o.lrs, (s) => parseLearningRate(s, '--lrs'));
  const optimizers = parseList('--optimizers', o.optimizers, (s) => parseOptimizerKind(s, '--optimizers'));
  const whileLoading = () => o.stop.throwIfRequested('while loading the data (nothing was written)');
  const data = await o.load(whileLoading);
  whileLoading();
  const batchSizes = o.batchSizes === undefined
    ? [defaultBatchSize(data.trainCount)]
    : parseList('--batch-sizes', o.batchSizes, (s) => resolveBatchSize(parseBatchSize(s, '--batch-sizes'), data.trainCount, cliNaming(() => s, SWEEP_FLAGS)));
  const config = { batchSizes, lrs, optimizers, epochs: o.epochs, seed: o.seed, schedule: o.schedule, constants: o.constants };
  const largest = Math.max(...batchSizes);
  checkScheduleFits(o.schedule, { epochs: o.epochs, updatesPerEpoch: epochPlan(data.trainCount, largest, 1).length, batchSize: largest, largestOf: batchSizes.length > 1 }, cliNaming(() => undefined, SWEEP_FLAGS));
  // the configurations of a batch size are stacked: as many as --lrs × --optimizers
  const { engine, line } = await openEngine(data, { backend: o.backend, adapter: o.adapter, models: sweepModels(config).length }, cliNaming(() => undefined, { models: '--lrs × --optimizers' }));
  try {
    o.stop.throwIfRequested('while opening the device (nothing was written)');
    say(line);
    say(`data: ${data.source}`);
    say(`sweep: ${lrs.length * batchSizes.length * optimizers.length} configurations (lrs ${lrs.join(', ')} x batch sizes ${batchSizes.join(', ')} x ${optimizers.join(', ')}), ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}, seed ${o.seed}, schedule ${describeSchedule(o.schedule)}`);
    const result = await trainSweep(engine, data, config, say, o.stop.requested);
    // no test set (--test-fraction 0): no test column, as a single run prints no test metrics
    const metric = data.testCount === 0 ? undefined : data.task === 'regression' ? 'test R²' : 'test accuracy';
    const show = (x: number | undefined) => (data.task === 'regression' ? rSquared(x ?? NaN) : percent(x ?? NaN));
    const cell = (r: (typeof result.runs)[number]) => (metric === undefined ? '' : ` ${r.diverged ? '' : show(r.history.at(-1)!.testAccuracy)} |`);
    say(`\n| batch | optimizer | lr | final train loss |${metric === undefined ? '' : ` ${metric} |`}\n| --- | --- | --- | --- |${metric === undefined ? '' : ' --- |'}`);
    for (const r of result.runs) {
      say(`| ${count(r.batchSize)} | ${r.optimizer} | ${r.lr} | ${r.diverged ? 'diverged' : fixed4(r.history.at(-1)!.loss)} |${cell(r)}`);
    }
    const best = bestRun(result.runs);
    const bestMetric = (r: NonNullable<typeof best>) => (metric === undefined ? '' : `, ${metric} ${show(r.history.at(-1)!.testAccuracy)}`);
    if (best) say(`\nbest: batch ${best.batchSize}, ${best.optimizer}, lr ${best.lr}: training loss ${fixed4(best.history.at(-1)!.loss)}${bestMetric(best)}`);
    say(`training ${seconds(result.trainMs)} for all ${result.runs.length} (${result.groups.map((g) => `batch ${g.batchSize}: ${g.models} stacked, ${seconds(g.trainMs)}`).join('; ')}); evaluation ${seconds(result.evalMs)} (not in the training time)`);
    const stopped = result.stopped ?? o.stop.requested();
    const message = stopped ? `stopped by ${stopped}: ${result.runs.length} of ${lrs.length * batchSizes.length * optimizers.length} configurations trained, the last ones partly` : undefined;
    if (json) {
      const report = sweepReport(result, { ...config, task: data.task, data: data.source, backend: engine.name }, engine.adapter, nodeEnvironment(), message);
      writeOutputs([{ output: json, data: () => `${reportJson(report, 2)}\n` }]);
      if (!toStandardOutput(json)) say(`wrote --json ${json.path}`);
    }
    if (stopped) throw new TrainingStopped('interrupted', `${message}${json ? `; results so far in --json ${json.path}` : ''}`, [], 0, SIGNAL_EXIT[stopped] ?? 1);
  } finally {
    await engine.destroy();
  }
}
