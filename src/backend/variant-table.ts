/**
 * The measurements the step-variant rule is derived from: per adapter kind, µs per training step
 * of each variant at each measured batch size (plain SGD on MNIST), written by
 * `npm run bench:variants` (scripts/step-variants.ts) and committed. The rule runs, at a batch size,
 * the fastest variant measured at the nearest measured batch size on a log scale (|ln B - ln b|
 * least; a tie goes to the smaller) among those that can run the plan, four kernels where they
 * are within 10% of it.
 */
import type { StepVariant } from './variants';

export interface MicrosecondsPerStep {
  median: number;
  min: number;
  max: number;
}

export interface MeasuredBatch {
  batchSize: number;
  /** steps per timing */
  steps: number;
  /** each candidate for plain SGD at this batch size, over the table's rounds */
  microsecondsPerStep: Record<string, MicrosecondsPerStep>;
}

export interface StepVariantTable {
  schema: 'downhill-step-variants/1';
  adapterKind: 'software' | 'hardware';
  adapter: string;
  createdAt: string;
  gitCommit: string | null;
  cpuModel: string;
  cores: number;
  /** the host's 1-minute load average as the measurement began and ended (a shared machine: others' work slows the single-workgroup fused step most) */
  loadAverage: number[];
  rounds: number;
  batches: MeasuredBatch[];
}

/** A committed table, checked where it is read (JSON imports carry no type): a malformed one is a bug of the tree. */
export function variantTable(json: unknown, name: string): StepVariantTable {
  const t = json as StepVariantTable;
  const wellFormed = t?.schema === 'downhill-step-variants/1' && Array.isArray(t.batches) && t.batches.length > 0
    && t.batches.every((b) => Number.isInteger(b.batchSize) && b.batchSize >= 1 && Object.values(b.microsecondsPerStep ?? {}).every((us) => Number.isFinite(us.median)));
  if (!wellFormed) throw new Error(`${name} is not a downhill-step-variants/1 table with measured batch sizes`);
  return t;
}

export function tableFileName(kind: StepVariantTable['adapterKind']): string {
  return `step-variants-${kind}.json`;
}

/** The measured batch size nearest to `batchSize` on a log scale; a tie goes to the smaller. */
export function nearestMeasured(table: StepVariantTable, batchSize: number): MeasuredBatch {
  const distance = (m: MeasuredBatch) => Math.abs(Math.log(batchSize) - Math.log(m.batchSize));
  return table.batches.reduce((a, b) => (distance(b) < distance(a) || (distance(b) === distance(a) && b.batchSize < a.batchSize) ? b : a));
}

/**
 * Four kernels stay unless another variant measured faster by more than this factor: on a shared
 * machine a near tie is noise (batch 10 in the first table, measured under load: register-blocked 1223 against four
 * kernels 1251 µs per step; in training it ran at 0.77x their samples/s).
 */
export const FOUR_KERNELS_MARGIN = 1.1;

/**
 * Of `choices`, the fastest measured at the nearest measured batch size, or four kernels when
 * they are within FOUR_KERNELS_MARGIN of it; null when none was measured there.
 */
export function fastestMeasured(table: StepVariantTable, choices: readonly StepVariant[], batchSize: number): StepVariant | null {
  const times = nearestMeasured(table, batchSize).microsecondsPerStep;
  const measured = choices.filter((v) => times[v] !== undefined);
  if (measured.length === 0) return null;
  const fastest = measured.reduce((a, b) => (times[b]!.median < times[a]!.median ? b : a));
  const fourKernels = times['four-kernels'];
  return measured.includes('four-kernels') && fourKernels!.median <= FOUR_KERNELS_MARGIN * times[fastest]!.median ? 'four-kernels' : fastest;
}

/** Which batch sizes take each measured one's variant, as 'measured: first-last' ('60000: 7746-' for the last). */
export function coveredRanges(table: StepVariantTable): string[] {
  const sizes = table.batches.map((b) => b.batchSize).sort((a, b) => a - b);
  return sizes.map((size, i) => {
    const first = i === 0 ? 1 : lastCovered(sizes[i - 1]!, size) + 1;
    const last = i === sizes.length - 1 ? '' : String(lastCovered(size, sizes[i + 1]!));
    return `${size}: ${first}-${last}`;
  });
}

/** The largest batch size nearer (on a log scale, a tie to the smaller) to `lower` than to `upper`. */
function lastCovered(lower: number, upper: number): number {
  return Math.floor(Math.sqrt(lower * upper));
}
