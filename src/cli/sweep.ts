/**
 * train --sweep: every combination of --lrs, --batch-sizes and --optimizers trained in one run,
 * the configurations of each batch size stacked so that each dispatch advances all of them.
 * Prints a table per configuration and the best one; --json writes every curve.
 */
import { defaultMnistDir, loadSplit } from '../data/load-node';
import type { AdapterChoice } from '../device/adapter-node';
import type { Gpu } from '../device/gpu';
import { UserError, check } from '../errors';
import { nodeEnvironment } from '../io/environment';
import { writeFileAtomic } from '../io/files';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from '../optim/optimizer';
import { type Schedule, describeSchedule } from '../optim/schedule';
import { parseBatchSize, parseLearningRate, resolveBatchSize } from '../train/options';
import { bestRun, trainSweep } from '../train/sweep';
import { count, percent, seconds } from './format';
import { openGpu } from './session';

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
  const dir = o.data ?? defaultMnistDir();
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 'test');
  const lrs = list('--lrs', o.lrs, parseLearningRate);
  const batchSizes = list('--batch-sizes', o.batchSizes, (s) => resolveBatchSize(parseBatchSize(s), train.count));
  const optimizers = list('--optimizers', o.optimizers, (s) => {
    check((OPTIMIZER_KINDS as readonly string[]).includes(s), `each must be one of ${OPTIMIZER_KINDS.join(', ')}, got '${s}'`);
    return s as OptimizerKind;
  });
  // a device per batch size's stack, each from a fresh adapter (an adapter gives one device)
  const first = await openGpu(o.adapter);
  console.log(first.line);
  let unused: Gpu | undefined = first.gpu;
  const openDevice = async () => {
    const gpu = unused ?? (await openGpu(o.adapter)).gpu;
    unused = undefined;
    return gpu;
  };
  console.log(`sweep: ${lrs.length * batchSizes.length * optimizers.length} configurations (lrs ${lrs.join(', ')} x batch sizes ${batchSizes.join(', ')} x ${optimizers.join(', ')}), ${o.epochs} epochs, seed ${o.seed}, schedule ${describeSchedule(o.schedule)}`);
  const result = await trainSweep(openDevice, { train, test }, { batchSizes, lrs, optimizers, epochs: o.epochs, seed: o.seed, schedule: o.schedule, constants: o.constants }, (line) => console.log(line));
  console.log('\n| batch | optimizer | lr | final train loss | test accuracy |\n| --- | --- | --- | --- | --- |');
  for (const r of result.runs) {
    const last = r.history.at(-1)!;
    console.log(`| ${count(r.batchSize)} | ${r.optimizer} | ${r.lr} | ${r.diverged ? 'diverged' : last.loss.toFixed(4)} | ${r.diverged ? '' : percent(last.testAccuracy ?? NaN)} |`);
  }
  const best = bestRun(result.runs);
  if (best) console.log(`\nbest: batch ${best.batchSize}, ${best.optimizer}, lr ${best.lr}: training loss ${best.history.at(-1)!.loss.toFixed(4)}, test accuracy ${percent(best.history.at(-1)!.testAccuracy ?? NaN)}`);
  console.log(`training ${seconds(result.trainMs)} for all ${result.runs.length} (${result.groups.map((g) => `batch ${g.batchSize}: ${g.models} stacked, ${seconds(g.trainMs)}`).join('; ')}); evaluation ${seconds(result.evalMs)} (not in the training time)`);
  if (o.json) {
    const report = {
      schema: 'downhill-sweep/1', createdAt: new Date().toISOString(), adapter: first.gpu.adapter, environment: nodeEnvironment(),
      config: { lrs, batchSizes, optimizers, epochs: o.epochs, seed: o.seed, schedule: o.schedule, constants: o.constants, data: dir },
      groups: result.groups, trainMs: result.trainMs, evalMs: result.evalMs,
      best: best ? { batchSize: best.batchSize, optimizer: best.optimizer, lr: best.lr } : null,
      runs: result.runs.map(({ params: _, ...r }) => r),
    };
    writeFileAtomic(o.json, `${JSON.stringify(report, null, 2)}\n`, '--json');
    console.log(`wrote ${o.json}`);
  }
}
