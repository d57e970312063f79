/**
 * The default step variant against every variant the rule chooses among, through the command a
 * user runs: `npm run train -- --batch-size B --epochs E` with --step-variant auto and with each
 * candidate (variants.ts), alternating (round after round, every configuration once per round: the
 * machine is shared and noisy; candidates slower than CONTENDERS (default 1.5) times the fastest in
 * the committed table are left out), samples/s from each run's JSON (the training clock). Prints, per
 * batch size, each configuration's median [min-max] and auto's median over the fastest forced
 * variant's, and the median of their ratios round by round. Usage: npx tsx scripts/train-variants.ts [batch,batch,..] [rounds] [epochs]
 * (epochs per batch size as batch:epochs, e.g. 1:1,10:2; default 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PlanShape, SOFTWARE_TABLE, type VariantChoice, candidates } from '../src/backend/variants';
import { nearestMeasured } from '../src/backend/variant-table';
import { summarize } from '../src/measure/stats';

const N = 60000;
const batches = (process.argv[2] ?? '1,10,32,100,1000,full').split(',');
const rounds = Number(process.argv[3] ?? 3);
const epochsOf = new Map((process.argv[4] ?? '').split(',').filter(Boolean).map((s) => s.split(':') as [string, string]));
/** at most this many times the fastest's µs per step in the committed table, a candidate is trained too */
const CONTENDER_FACTOR = Number(process.env.CONTENDERS ?? 1.5);
const work = mkdtempSync(join(tmpdir(), 'downhill-train-variants-'));

/** samples/s of one `npm run train` and the variant it ran */
function train(batch: string, epochs: string, variant: VariantChoice): { samplesPerSecond: number; ran: string } {
  const json = join(work, 'run.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', '--batch-size', batch, '--epochs', epochs, '--step-variant', variant, '--quiet', '--json', json], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`train --batch-size ${batch} --step-variant ${variant}: exit ${r.status}: ${r.stderr}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { config: { stepVariant: string }; timings: { samplesPerSecond: number } };
  return { samplesPerSecond: report.timings.samplesPerSecond, ran: report.config.stepVariant };
}

/** `list` starting at its `by`-th element (wrapping round). */
function rotated<T>(list: readonly T[], by: number): T[] {
  const start = by % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

/** The candidates within CONTENDER_FACTOR of the fastest at the nearest measured batch size (the others are left out to keep the run short). */
function contenders(shape: PlanShape): VariantChoice[] {
  const times = nearestMeasured(SOFTWARE_TABLE, shape.batchSize).microsecondsPerStep;
  const all = candidates(shape);
  const fastest = Math.min(...all.map((v) => times[v]?.median ?? Infinity));
  return all.filter((v) => (times[v]?.median ?? 0) <= CONTENDER_FACTOR * fastest);
}

console.log('| batch | epochs | auto runs | auto samples/s | fastest forced variant | its samples/s | auto / fastest | every configuration, median samples/s [min-max] |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const batch of batches) {
  const size = batch === 'full' ? N : Number(batch);
  const shape: PlanShape = { model: 'softmax-classifier', models: 1, batchSize: size, plainSgd: true };
  const configs: VariantChoice[] = ['auto', ...contenders(shape)];
  const epochs = epochsOf.get(batch) ?? '2';
  const speeds: Record<string, number[]> = {};
  let autoRan = '';
  for (let round = 0; round < rounds; round++) {
    // each round starts one configuration later, so none always runs first (or after the same one)
    for (const config of rotated(configs, round)) {
      const r = train(batch, epochs, config);
      (speeds[config] ??= []).push(r.samplesPerSecond);
      if (config === 'auto') autoRan = r.ran.split(' ')[0]!;
    }
  }
  const median = (c: string) => summarize(speeds[c]!).median;
  const forced = configs.filter((c) => c !== 'auto');
  const fastest = forced.reduce((a, b) => (median(b) > median(a) ? b : a));
  const all = configs.map((c) => {
    const s = summarize(speeds[c]!);
    return `${c} ${Math.round(s.median)} [${Math.round(s.min)}-${Math.round(s.max)}]`;
  }).join(', ');
  // auto against the fastest in the same round (run minutes apart at most): the load a shared machine
  // puts on both is closer than across rounds
  const paired = summarize(speeds.auto!.map((s, round) => s / speeds[fastest]![round]!));
  const ratio = `${(median('auto') / median(fastest)).toFixed(2)}x (per round ${paired.median.toFixed(2)}x [${paired.min.toFixed(2)}-${paired.max.toFixed(2)}])`;
  console.log(`| ${batch} | ${epochs} | ${autoRan} | ${Math.round(median('auto'))} | ${fastest} | ${Math.round(median(fastest))} | ${ratio} | ${all} |`);
}
