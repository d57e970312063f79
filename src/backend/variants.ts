/**
 * Step variants as data: each says where it applies; choosing among them is this module's, by a
 * fixed rule ('auto': the same command always rounds the same way), by name ('four-kernels', …),
 * or by measurement ('tune', cached per adapter and plan shape for the process's life, so a
 * second run of the same shape on the same adapter does not measure again). The choice comes
 * back as a VariantReport; its prose is derived from it.
 *
 *   four-kernels  forward, loss head, gradient and update per step (every model, any K)
 *   split-k-Q     the classifier's gradient over chunks of Q rows plus a reduction: fills a wide
 *                 GPU on large batches (K = 1)
 *   register-blocked  the classifier's gradient as phase partial sums by register blocks plus a
 *                 reduction (gradient_blocked.wgsl): for software adapters, where each loaded
 *                 value must be reused from registers (K = 1)
 *   fused-W       up to FUSED_STEPS_PER_DISPATCH small-batch steps of plain SGD in one dispatch of
 *                 W threads (the classifier, K = 1, regular batches of at most FUSED_MAX_BATCH)
 */
import { FUSED_MAX_BATCH, FUSED_WORKGROUP_SIZES } from '../kernels/sgd-fused';
import { PHASES } from '../kernels/gradient-blocked';
import { SPLIT_CHUNKS, SPLIT_MAX_CHUNKS, SPLIT_MIN_CHUNKS, splitChunks } from '../kernels/gradient-partial';
import type { VariantReport } from './backend';
import softwareTable from './step-variants-software.json';
import { fastestMeasured, variantTable } from './variant-table';

export type StepVariant = 'four-kernels' | 'register-blocked' | `split-k-${number}` | `fused-${number}`;
export type VariantChoice = StepVariant | 'auto' | 'tune';

/** What decides which variants can run a plan. */
export interface PlanShape {
  model: 'softmax-classifier' | 'linear-regression';
  /** K, the configurations stacked */
  models: number;
  /** the plan's batch size (each step a slice of it, the last one's may be shorter) */
  batchSize: number;
  /** every configuration is plain SGD (the fused step keeps no optimiser state) */
  plainSgd: boolean;
}

interface VariantSpec {
  name: StepVariant;
  /** whether it can run plans of this shape when chosen by rule or measurement */
  applies(shape: PlanShape): boolean;
  /** whether it can run them at all, when asked for by name */
  canRun(shape: PlanShape): boolean;
}

const classifierAlone = (s: PlanShape) => s.model === 'softmax-classifier' && s.models === 1;
const fusedRuns = (s: PlanShape) => classifierAlone(s) && s.plainSgd && s.batchSize <= FUSED_MAX_BATCH;

export const VARIANTS: readonly VariantSpec[] = [
  { name: 'four-kernels', applies: () => true, canRun: () => true },
  ...SPLIT_CHUNKS.map((chunk): VariantSpec => ({
    name: `split-k-${chunk}`,
    applies: (s) => classifierAlone(s) && splitChunks(s.batchSize, chunk) >= SPLIT_MIN_CHUNKS && splitChunks(s.batchSize, chunk) <= SPLIT_MAX_CHUNKS,
    canRun: classifierAlone,
  })),
  // under 2 rows per phase its partials cost more than they save
  { name: 'register-blocked', applies: (s) => classifierAlone(s) && s.batchSize >= 2 * PHASES, canRun: classifierAlone },
  ...FUSED_WORKGROUP_SIZES.map((w): VariantSpec => ({ name: `fused-${w}`, applies: fusedRuns, canRun: fusedRuns })),
];

export const STEP_VARIANTS: readonly VariantChoice[] = ['auto', 'tune', ...VARIANTS.map((v) => v.name)];

/** Why the variant named `choice` cannot run plans of this shape, or null where it can ('auto' and 'tune' always can). */
export function forcedVariantProblem(choice: VariantChoice, shape: PlanShape): string | null {
  if (choice === 'auto' || choice === 'tune' || VARIANTS.find((v) => v.name === choice)!.canRun(shape)) return null;
  return choice.startsWith('fused')
    ? `the fused step runs the classifier alone with plain SGD, at batch sizes 1 to ${FUSED_MAX_BATCH}`
    : `${choice} runs the classifier alone`;
}

/** The variants that the rule or a measurement may choose for this shape (four kernels first). */
export function candidates(shape: PlanShape): StepVariant[] {
  return VARIANTS.filter((v) => v.applies(shape)).map((v) => v.name);
}

/**
 * The step variant 'auto' runs: a fixed function of the candidates, the plan's largest batch and
 * the adapter's kind, so that the same command always rounds the same way.
 * Software adapters (SwiftShader): derived from the committed measurements
 * (step-variants-software.json, `npm run bench:variants` re-derives it): the fastest candidate
 * measured at the nearest measured batch size on a log scale, four kernels where they are within
 * 10% of it (variant-table.ts).
 * Hardware adapters: not measured (no GPU was available), argued from work counts: a GPU has
 * thousands of lanes, so the fused step (one workgroup, no launches) takes small batches and
 * split-K (a thread per chunk and feature word instead of 197 threads) every batch it applies to.
 */
export function ruleVariant(choices: readonly StepVariant[], largestBatch: number, software: boolean): StepVariant {
  if (software) return fastestMeasured(SOFTWARE_TABLE, choices, largestBatch) ?? 'four-kernels';
  return [...HARDWARE_PREFERENCE].find((v) => choices.includes(v)) ?? 'four-kernels';
}

/** The committed measurements of software adapters (SwiftShader). */
export const SOFTWARE_TABLE = variantTable(softwareTable, 'step-variants-software.json');

/** The hardware rule's preference, first that applies (argued, not measured). */
const HARDWARE_PREFERENCE: readonly StepVariant[] = ['fused-256', 'split-k-64', 'split-k-512'];

/** Steps timed per candidate when measuring, and rounds (the fastest counts). */
export const TUNE_STEPS = 48;
export const TUNE_ROUNDS = 3;
/** A variant must beat four kernels by this factor to be chosen: timings are noisy. */
const TUNE_MARGIN = 0.9;

/** Measurements so far, per adapter and plan shape. */
const tuned = new Map<string, { variant: StepVariant; timesUs: Record<string, number> }>();

function tuneKey(adapter: string, shape: PlanShape): string {
  return JSON.stringify([adapter, shape]);
}

/** Forgets every measurement (tests). */
export function clearTuneCache(): void {
  tuned.clear();
}

export interface ChooseContext {
  shape: PlanShape;
  /** the adapter's description, a key of the tune cache */
  adapter: string;
  software: boolean;
  /** steps timed per round: TUNE_STEPS, or the whole plan when shorter */
  tuneSteps: number;
  /** ms to run `variant` on the plan's first tuneSteps steps (the engine puts its state back after) */
  time(variant: StepVariant): Promise<number>;
  stopRequested: () => boolean;
}

/** Chooses how the plan's steps run: see the module's header. */
export async function chooseVariant(choice: VariantChoice, c: ChooseContext): Promise<VariantReport> {
  const shape = c.shape;
  const report = (variant: StepVariant, how: VariantReport['how'], note: string, timesUs: Record<string, number> | null = null): VariantReport =>
    ({ variant, how, timesUs, note: `${variant} (${note})` });
  if (choice !== 'auto' && choice !== 'tune') {
    // fit refuses a variant that cannot run (checkForcedVariant); the benchmarks' setVariantChoice may still ask
    const why = forcedVariantProblem(choice, shape);
    return why === null ? report(choice, 'forced', 'forced') : report('four-kernels', 'forced', `${choice} was asked for, but ${why}`);
  }
  const choices = candidates(shape);
  if (choices.length === 1) {
    return report('four-kernels', 'only', `no other variant applies: the fused step takes batches of at most ${FUSED_MAX_BATCH}, split-K needs ${SPLIT_MIN_CHUNKS} to ${SPLIT_MAX_CHUNKS} chunks, the register-blocked gradient ${2 * PHASES} rows`);
  }
  if (choice === 'auto') {
    const variant = ruleVariant(choices, shape.batchSize, c.software);
    return report(variant, 'rule', `the rule for batch ${shape.batchSize} on a ${c.software ? 'software' : 'hardware'} adapter; --step-variant tune measures instead`);
  }
  const key = tuneKey(c.adapter, shape);
  const known = tuned.get(key);
  if (known) return report(known.variant, 'cached', `measured earlier in this process on this adapter and plan shape, µs/step: ${describeTimes(known.timesUs)}`, known.timesUs);
  const timesUs: Record<string, number> = {};
  for (const variant of choices) {
    let best = Infinity;
    for (let round = 0; round < TUNE_ROUNDS && !c.stopRequested(); round++) best = Math.min(best, await c.time(variant));
    if (best < Infinity) timesUs[variant] = (best / c.tuneSteps) * 1000;
    if (c.stopRequested()) return report('four-kernels', 'stopped', 'the measurement was stopped');
  }
  const fastest = choices.reduce((a, b) => (timesUs[b]! < timesUs[a]! ? b : a));
  const variant = fastest !== 'four-kernels' && timesUs[fastest]! < TUNE_MARGIN * timesUs['four-kernels']! ? fastest : 'four-kernels';
  tuned.set(key, { variant, timesUs });
  return report(variant, 'measured', `measured over ${c.tuneSteps} steps, µs/step: ${describeTimes(timesUs)}`, timesUs);
}

function describeTimes(timesUs: Record<string, number>): string {
  return Object.entries(timesUs).map(([v, us]) => `${v} ${us.toFixed(0)}`).join(', ');
}
