/**
 * Learning-rate schedules: the rate of update t (0-based, counted over the whole run) from the
 * base rate. Computed on the host in float64 and handed to the update kernels per update, so the
 * schedule has one definition, this one.
 *
 *   constant  lr
 *   step      lr · factor^⌊epoch / every⌋           (epoch = ⌊t / stepsPerEpoch⌋)
 *   cosine    lr · ½ (1 + cos(π · t / T))           (T = total updates; reaches 0 at the end)
 *   warm-up   for t < W, any of them × (t + 1) / W   (linear ramp from lr/W)
 */
export type ScheduleKind = 'constant' | 'step' | 'cosine';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['constant', 'step', 'cosine'];

export interface Schedule {
  kind: ScheduleKind;
  /** step: epochs between decays */
  every: number;
  /** step: multiplier at each decay */
  factor: number;
  /** updates of linear warm-up (0: none) */
  warmup: number;
}

/**
 * The constant schedule, and every schedule's settings where not given: `every` and `factor` are
 * step decay's (halve every epoch) and unused by the others. There is one constant schedule, so
 * that fit's default, the CLI's and the benchmarks' are the same value, and pass the same checks
 * (a factor must decay: 0 < factor < 1).
 */
export const CONSTANT: Schedule = { kind: 'constant', every: 1, factor: 0.5, warmup: 0 };

export function scheduledRate(lr: number, s: Schedule, t: number, stepsPerEpoch: number, totalUpdates: number): number {
  let rate = lr;
  if (s.kind === 'step') rate = lr * s.factor ** Math.floor(Math.floor(t / stepsPerEpoch) / s.every);
  else if (s.kind === 'cosine') rate = 0.5 * lr * (1 + Math.cos((Math.PI * Math.min(t, totalUpdates)) / totalUpdates));
  if (t < s.warmup) rate *= (t + 1) / s.warmup;
  return rate;
}

/**
 * Whether the rate of update t depends on the run's total updates (cosine: T is the run's), so
 * that a run extended to more epochs would not follow the curve it has followed so far.
 */
export function dependsOnRunLength(s: Schedule): boolean {
  return s.kind === 'cosine';
}

export function isConstant(s: Schedule): boolean {
  return s.kind === 'constant' && s.warmup === 0;
}

export function describeSchedule(s: Schedule): string {
  const base = s.kind === 'step' ? `step (x${s.factor} every ${s.every === 1 ? 'epoch' : `${s.every} epochs`})` : s.kind;
  return s.warmup > 0 ? `${base}, ${s.warmup} updates of warm-up` : base;
}
