/**
 * train --sweep: every combination of --lrs, --batch-sizes and --optimizers trained in one run,
 * of either model on either backend, the configurations of each batch size stacked so that each
 * dispatch advances all of them. Prints a row per configuration and the best one; --json writes
 * every curve; --checkpoint writes the sweep's state, which --resume continues exactly.
 */
import { openEngine } from '../api/open-node';
import type { BackendChoice } from '../api/engine';
import type { TrainingData } from '../data/training-data';
import type { AdapterChoice } from '../device/adapter-node';
import { nodeEnvironment } from '../io/environment';
import { reportJson } from '../io/run-report';
import { type InputRequest, type Output, type OutputRequest, checkOutputs, lockOutputs, toStandardOutput, writeOutput, writeOutputs } from '../io/outputs';
import { type SweepCheckpoint, type SweepIdentity, encodeSweepCheckpoint } from '../io/checkpoint';
import { DEFAULT_SCHEDULE } from '../api/fit';
import { dataChecksum } from '../data/training-data';
import { check } from '../errors';
import { commandLine } from '../command/invocation';
import { type Optimizer, SGD } from '../optim/optimizer';
import { type Schedule, describeSchedule } from '../optim/schedule';
import { checkScheduleFits, defaultBatchSize, resolveBatchSize } from '../train/options';
import { epochPlan } from '../train/plan';
import { cliNaming, parseBatchSize, parseList, parseOptimizerKind, rateList } from '../command/args';
import { type SweepConfig, type SweepState, bestRun, sweepModels, sweepReport, trainSweep } from '../train/sweep';
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';
import { count, fixed4, percent, rSquared, seconds } from './format';
import type { StopRequests } from '../command/stop';
import { checkOutputsToStandardOutput } from '../command/standard-output';

/** What shapes the sweep, each absent where not given: the resumed sweep's applies, else the default. */
export interface SweepOptions {
  lrs?: string;
  /** the default: the default batch size (100, or every example where there are fewer) */
  batchSizes?: string;
  optimizers?: string;
  epochs?: number;
  seed?: number;
  schedule?: Schedule;
  constants?: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>;
  checkpoint?: { path: string; interval: { everySteps?: number; everyMs?: number } };
  resume?: { path: string; checkpoint: SweepCheckpoint };
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
  const requests: OutputRequest[] = [];
  if (o.json !== undefined) requests.push({ flag: '--json', path: o.json, stdoutAllowed: true });
  if (o.checkpoint) requests.push({ flag: '--checkpoint', path: o.checkpoint.path });
  const outputs = checkOutputs(requests, o.inputs);
  checkOutputsToStandardOutput(outputs);
  const release = lockOutputs(outputs);
  try {
    await sweep(o, outputs.find((x) => x.flag === '--json'), outputs.find((x) => x.flag === '--checkpoint'));
  } finally {
    release();
  }
}

async function sweep(o: SweepOptions, json: Output | undefined, checkpointOutput: Output | undefined): Promise<void> {
  const log = (json !== undefined && toStandardOutput(json)) ? process.stderr : process.stdout;
  const say = (line: string) => log.write(`${line}\n`);
  const whileLoading = () => o.stop.throwIfRequested('while loading the data (nothing was written)');
  const data = await o.load(whileLoading);
  whileLoading();
  const config = sweepConfig(o, data);
  const { lrs, batchSizes, optimizers } = config;
  const largest = Math.max(...batchSizes);
  checkScheduleFits(config.schedule, { epochs: config.epochs, updatesPerEpoch: epochPlan(data.trainCount, largest).length, batchSize: largest, largestOf: batchSizes.length > 1 }, cliNaming(() => undefined, SWEEP_FLAGS));
  // the configurations of a batch size are stacked: as many as --lrs × --optimizers
  const { engine, line } = await openEngine(data, { backend: o.backend, adapter: o.adapter, models: sweepModels(config).length }, cliNaming(() => undefined, { models: '--lrs × --optimizers' }));
  try {
    o.stop.throwIfRequested('while opening the device (nothing was written)');
    say(line);
    say(`data: ${data.source}`);
    say(`sweep: ${lrs.length * batchSizes.length * optimizers.length} configurations (lrs ${lrs.join(', ')} x batch sizes ${batchSizes.join(', ')} x ${optimizers.join(', ')}), ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, seed ${config.seed}, schedule ${describeSchedule(config.schedule)}`);
    const identity: SweepIdentity = { config, task: data.task, trainExamples: data.trainCount, dataCrc32: dataChecksum(data), backend: engine.name, origin: data.origin };
    const resume = o.resume && resumedState(o.resume, identity);
    if (o.resume) say(`resuming from ${o.resume.path}: ${resume!.groups.length} of ${batchSizes.length} batch sizes done${resume!.current ? `, batch ${batchSizes[resume!.groups.length]} at update ${resume!.current.state.steps}` : ''}`);
    const checkpoint = checkpointOutput && { ...o.checkpoint!.interval, write: (state: SweepState) => writeOutput(checkpointOutput, encodeSweepCheckpoint({ sweep: identity, state })) };
    const result = await trainSweep(engine, data, config, say, { stopRequested: o.stop.requested, checkpoint, resume });
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
    const resumable = checkpointOutput ? `; ${commandLine('train')} --sweep --resume ${checkpointOutput.path} continues it` : '';
    if (stopped) throw new TrainingStopped('interrupted', `${message}${json ? `; results so far in --json ${json.path}` : ''}${resumable}`, [], 0, SIGNAL_EXIT[stopped] ?? 1);
  } finally {
    await engine.destroy();
  }
}

/** The sweep the options describe: each list or setting given, else the resumed sweep's, else the default. */
function sweepConfig(o: SweepOptions, data: TrainingData): Required<SweepConfig> {
  const saved = o.resume?.checkpoint.sweep.config;
  const given: Partial<SweepConfig> = {
    ...(o.lrs === undefined ? {} : { lrs: rateList('--lrs', o.lrs, []) }),
    ...(o.batchSizes === undefined ? {} : { batchSizes: parseList('--batch-sizes', o.batchSizes, (s) => resolveBatchSize(parseBatchSize(s, '--batch-sizes'), data.trainCount, cliNaming(() => s, SWEEP_FLAGS))) }),
    ...(o.optimizers === undefined ? {} : { optimizers: parseList('--optimizers', o.optimizers, (s) => parseOptimizerKind(s, '--optimizers')) }),
    ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.schedule === undefined ? {} : { schedule: o.schedule }),
    ...(o.constants === undefined ? {} : { constants: o.constants }),
  };
  const defaults: Required<SweepConfig> = saved ? { schedule: DEFAULT_SCHEDULE, constants: SGD, ...saved } : {
    lrs: [0.01, 0.1, 0.5], batchSizes: [defaultBatchSize(data.trainCount)], optimizers: ['sgd'], epochs: 1, seed: 1, schedule: DEFAULT_SCHEDULE, constants: SGD,
  };
  for (const [key, flags] of Object.entries(RESUMED_FLAGS) as Array<[keyof SweepConfig, string]>) {
    const mine = given[key];
    check(!saved || mine === undefined || JSON.stringify(mine) === JSON.stringify(defaults[key]), `--resume ${o.resume?.path} was written by a different sweep: its ${flags} ${JSON.stringify(defaults[key])}, this one's ${JSON.stringify(mine)}`);
  }
  return { ...defaults, ...given };
}

/** The flags of each field of a sweep, as a resume's refusal names them. */
const RESUMED_FLAGS: Record<keyof SweepConfig, string> = {
  lrs: '--lrs are', batchSizes: '--batch-sizes are', optimizers: '--optimizers are', epochs: '--epochs is', seed: '--seed is',
  schedule: 'schedule (--schedule, --decay-every, --decay-factor, --warmup) is', constants: 'optimiser constants (--momentum, --beta1, --beta2, --epsilon) are',
};

/** The checkpoint's state, refused where it was written on other data or by another backend. */
function resumedState(resume: NonNullable<SweepOptions['resume']>, now: SweepIdentity): SweepState {
  const was = resume.checkpoint.sweep;
  check(was.trainExamples === now.trainExamples && was.dataCrc32 === now.dataCrc32, `--resume ${resume.path} was written on other data: ${count(was.trainExamples)} training examples of crc32 ${was.dataCrc32}, this data has ${count(now.trainExamples)} of crc32 ${now.dataCrc32}`);
  check(was.backend === now.backend, `--resume ${resume.path} was written by the ${was.backend} backend; this sweep runs on ${now.backend}: give --backend ${was.backend}`);
  return resume.checkpoint.state;
}
