/**
 * train --sweep: every combination of --lrs, --batch-sizes and --optimizers trained in one run,
 * the configurations of each batch size stacked so that each dispatch advances all of them.
 * Prints a table per configuration and the best one; --json writes every curve.
 */
import { defaultMnistDir, idxInputs, loadSplit } from '../data/load-node';
import type { AdapterChoice } from '../device/adapter-node';
import type { Gpu } from '../device/gpu';
import { openNodeDevice } from '../device/open-node';
import { UserError, check } from '../errors';
import { nodeEnvironment } from '../io/environment';
import { type Output, checkOutputs, lockOutputs, writeOutputs } from '../io/outputs';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from '../optim/optimizer';
import { type Schedule, describeSchedule } from '../optim/schedule';
import { parseBatchSize, parseLearningRate, resolveBatchSize } from '../train/options';
import { bestRun, trainSweep } from '../train/sweep';
import { SIGNAL_EXIT, TrainingStopped } from '../train/trainer';
import { count, percent, seconds } from './format';
import type { StopRequests } from './stop';

export interface SweepOptions {
  lrs: string;
  batchSizes: string;
  optimizers: string;
  epochs: number;
  seed: number;
  schedule: Schedule;
  constants: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>;
  data?: string;
  adapter: AdapterChoice;
  json?: string;
  stop: StopRequests;
}

function list<T>(flag: string, text: string, parse: (item: string) => T): T[] {
  const items = text.split(',').map((s) => s.trim());
  check(items.length > 0 && items.every((s) => s !== ''), `${flag} must be a comma-separated list, got '${text}'`);
  return items.map((item) => {
    try {
      return parse(item);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${flag}: ${e.message}`);
      throw e;
    }
  });
}

export async function sweepCommand(o: SweepOptions): Promise<void> {
  // the output is checked and locked before any work: a sweep is not lost to a bad path at its end
  const outputs = checkOutputs(o.json === undefined ? [] : [{ flag: '--json', path: o.json, stdoutAllowed: true }], o.data === undefined ? [] : idxInputs(o.data).map((path) => ({ flag: '--data', path })));
  const release = lockOutputs(outputs);
  try {
    await sweep(o, outputs[0]);
  } finally {
    release();
  }
}

async function sweep(o: SweepOptions, json: Output | undefined): Promise<void> {
  const log = json?.kind === 'stdout' ? process.stderr : process.stdout;
  const say = (line: string) => log.write(`${line}\n`);
  const dir = o.data ?? defaultMnistDir();
  const lrs = list('--lrs', o.lrs, parseLearningRate);
  const optimizers = list('--optimizers', o.optimizers, (s) => {
    check((OPTIMIZER_KINDS as readonly string[]).includes(s), `each must be one of ${OPTIMIZER_KINDS.join(', ')}, got '${s}'`);
    return s as OptimizerKind;
  });
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 'test');
  const batchSizes = list('--batch-sizes', o.batchSizes, (s) => resolveBatchSize(parseBatchSize(s), train.count));
  o.stop.throwIfRequested('while loading the data (nothing was written)');
  // a device per batch size's stack, each from a fresh adapter (an adapter gives one device)
  const first = await openNodeDevice(o.adapter);
  let unused: Gpu | undefined = first.gpu;
  try {
    o.stop.throwIfRequested('while opening the device (nothing was written)');
    say(first.line);
    const openDevice = async () => {
      const gpu = unused ?? (await openNodeDevice(o.adapter)).gpu;
      unused = undefined;
      return gpu;
    };
    say(`sweep: ${lrs.length * batchSizes.length * optimizers.length} configurations (lrs ${lrs.join(', ')} x batch sizes ${batchSizes.join(', ')} x ${optimizers.join(', ')}), ${o.epochs} epochs, seed ${o.seed}, schedule ${describeSchedule(o.schedule)}`);
    const result = await trainSweep(openDevice, { train, test }, { batchSizes, lrs, optimizers, epochs: o.epochs, seed: o.seed, schedule: o.schedule, constants: o.constants }, say, o.stop.requested);
    say('\n| batch | optimizer | lr | final train loss | test accuracy |\n| --- | --- | --- | --- | --- |');
    for (const r of result.runs) {
      const last = r.history.at(-1)!;
      say(`| ${count(r.batchSize)} | ${r.optimizer} | ${r.lr} | ${r.diverged ? 'diverged' : last.loss.toFixed(4)} | ${r.diverged ? '' : percent(last.testAccuracy ?? NaN)} |`);
    }
    const best = bestRun(result.runs);
    if (best) say(`\nbest: batch ${best.batchSize}, ${best.optimizer}, lr ${best.lr}: training loss ${best.history.at(-1)!.loss.toFixed(4)}, test accuracy ${percent(best.history.at(-1)!.testAccuracy ?? NaN)}`);
    say(`training ${seconds(result.trainMs)} for all ${result.runs.length} (${result.groups.map((g) => `batch ${g.batchSize}: ${g.models} stacked, ${seconds(g.trainMs)}`).join('; ')}); evaluation ${seconds(result.evalMs)} (not in the training time)`);
    const stopped = result.stopped ?? o.stop.requested();
    const message = stopped ? `stopped by ${stopped}: ${result.runs.length} of ${lrs.length * batchSizes.length * optimizers.length} configurations trained, the last ones partly` : undefined;
    if (json) {
      const report = {
        schema: 'downhill-sweep/1', createdAt: new Date().toISOString(), adapter: first.gpu.adapter, environment: nodeEnvironment(),
        config: { lrs, batchSizes, optimizers, epochs: o.epochs, seed: o.seed, schedule: o.schedule, constants: o.constants, data: dir },
        ...(message ? { stopped: { reason: 'interrupted', message } } : {}),
        groups: result.groups, trainMs: result.trainMs, evalMs: result.evalMs,
        best: best ? { batchSize: best.batchSize, optimizer: best.optimizer, lr: best.lr } : null,
        runs: result.runs.map(({ params: _, ...r }) => r),
      };
      writeOutputs([{ output: json, data: () => `${JSON.stringify(report, null, 2)}\n` }]);
      if (json.kind !== 'stdout') say(`wrote --json ${json.path}`);
    }
    if (stopped) throw new TrainingStopped('interrupted', `${message}${json ? `; results so far in --json ${json.path}` : ''}`, [], 0, SIGNAL_EXIT[stopped] ?? 1);
  } finally {
    if (unused) await (unused as Gpu).destroy();
  }
}
