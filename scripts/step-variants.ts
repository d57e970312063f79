/**
 * npm run bench:variants -- [--batch-sizes LIST] [--rounds R] [--out FILE]: µs per training step of
 * every step variant the rule may choose for plain SGD on MNIST (variants.ts's candidates), at each
 * batch size, on this machine's adapter. The machine is shared and noisy, so the variants of a
 * batch size alternate (round after round, every variant once per round; the first round warms up
 * and is dropped) and each is reported as median, min and max over the rounds. Writes the table
 * that the rule is derived from, src/backend/step-variants-<software|hardware>.json (see
 * variant-table.ts); run it again to re-derive the rule.
 */
import { WebGpuBackend } from '../src/backend/webgpu';
import { type MeasuredBatch, type StepVariantTable, tableFileName } from '../src/backend/variant-table';
import { type PlanShape, candidates } from '../src/backend/variants';
import { loadMnist } from '../src/api/load-node';
import { BENCH_OPTIONS, listOption, parseAdapterChoice, parseCommandLine, parseWholeNumber } from '../src/command/args';
import { runCommand } from '../src/command/run';
import { openNodeDevice } from '../src/device/open-node';
import { UserError, check } from '../src/errors';
import { checkOutputs, writeOutput } from '../src/io/outputs';
import { summarize } from '../src/measure/stats';
import { epochPlan } from '../src/train/plan';
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { timeSteps } from './time-steps';

const HELP = `usage: npm run bench:variants -- [options]

  --batch-sizes LIST   comma-separated batch sizes. Default ${'1,4,10,16,32,100,320,1000,60000'}
  --rounds R           timed rounds per variant, at least 3. Default 7
  --out FILE           checked before measuring. Default src/backend/step-variants-<software|hardware>.json
  --data DIR, --adapter A   as for train`;

const DEFAULT_BATCHES = [1, 4, 10, 16, 32, 100, 320, 1000, 60000];
/** about this many µs of work per timing (at a guessed 40 µs per row and 2 ms per step on SwiftShader) */
const TIMED_WORK = 2e6;

/** Steps per timing: enough that a timing is a few hundred ms on SwiftShader, at most an epoch. */
function stepsPerTiming(batchSize: number, epochSteps: number): number {
  return Math.max(1, Math.min(epochSteps, Math.round(TIMED_WORK / (batchSize * 40 + 2000))));
}

runCommand('bench:variants', async () => {
  const args = parseCommandLine(process.argv.slice(2), { ...BENCH_OPTIONS, 'batch-sizes': { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' } });
  if (args.help) return void console.log(HELP);
  const str = (k: string) => args[k] as string | undefined;
  const batchSizes = listOption('--batch-sizes', str('batch-sizes'), DEFAULT_BATCHES, (s) => parseWholeNumber('--batch-sizes', s, 1));
  const rounds = parseWholeNumber('--rounds', str('rounds') ?? '7', 3);
  const adapter = parseAdapterChoice(str('adapter'));
  // a file named by --out is checked before anything is measured (the default's name needs the adapter)
  const out = str('out') === undefined ? undefined : checkOutputs([{ flag: '--out', path: str('out')! }])[0]!;
  const data = loadMnist(str('data'));
  for (const b of batchSizes) check(b <= data.trainCount, `--batch-sizes: ${b} is more than the ${data.trainCount} training examples`);
  const { gpu } = await openNodeDevice(adapter);
  const engine = await WebGpuBackend.create(gpu, data);
  const loadBefore = loadavg()[0]!;
  const measured: MeasuredBatch[] = [];
  try {
    for (const batchSize of batchSizes) measured.push(await measureBatch(engine, data, batchSize, rounds));
  } finally {
    await engine.destroy();
    await gpu.destroy();
  }
  const adapterKind = gpu.adapter.software ? 'software' : 'hardware';
  const table: StepVariantTable = {
    schema: 'downhill-step-variants/1', adapterKind, adapter: gpu.adapter.description, createdAt: new Date().toISOString(),
    gitCommit: commandOutput('git', ['rev-parse', '--short', 'HEAD']), cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    loadAverage: [round2(loadBefore), round2(loadavg()[0]!)], rounds, batches: measured,
  };
  const output = out ?? checkOutputs([{ flag: '--out', path: `src/backend/${tableFileName(adapterKind)}` }])[0]!;
  writeOutput(output, `${JSON.stringify(table, null, 1)}\n`);
  console.log(`bench:variants: wrote ${output.path}`);
});

/** Every candidate at one batch size, alternating over `rounds` timed rounds after a warm-up round. */
async function measureBatch(engine: WebGpuBackend, data: ReturnType<typeof loadMnist>, batchSize: number, rounds: number): Promise<MeasuredBatch> {
  const plan = epochPlan(data.trainCount, batchSize);
  const shape: PlanShape = { model: 'softmax-classifier', models: 1, batchSize, plainSgd: true };
  const variants = candidates(shape);
  const steps = stepsPerTiming(batchSize, plan.length);
  const times: Record<string, number[]> = {};
  for (let round = -1; round < rounds; round++) {
    for (const variant of variants) {
      engine.setVariantChoice(variant);
      const us = await timeSteps(engine, data, plan, steps, 0.01);
      if (engine.stepVariant !== variant) throw new UserError(`asked for ${variant} at batch ${batchSize}, the engine ran ${engine.stepVariant}`);
      if (round >= 0) (times[variant] ??= []).push(us);
    }
  }
  const microsecondsPerStep = Object.fromEntries(variants.map((v) => {
    const s = summarize(times[v]!);
    return [v, { median: Math.round(s.median), min: Math.round(s.min), max: Math.round(s.max) }];
  }));
  console.log(`batch ${batchSize} (${steps} steps x ${rounds}): ${variants.map((v) => `${v} ${microsecondsPerStep[v]!.median} [${microsecondsPerStep[v]!.min}-${microsecondsPerStep[v]!.max}]`).join(', ')} µs/step`);
  return { batchSize, steps, microsecondsPerStep };
}

function commandOutput(command: string, argv: string[]): string | null {
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
