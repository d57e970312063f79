/**
 * The per-update table the update kernels read, one vec4 per step of an epoch's plan:
 * (lr, c1, c2, 0) with lr from the schedule and c1, c2 Adam's bias corrections (1 for the other
 * optimisers). Written once per epoch: 16 bytes per update, no per-step upload.
 */
import { type Optimizer, RULES, adamCorrections } from './optimizer';
import { type Schedule, scheduledRate } from './schedule';

/** What the table needs of a plan's step (a backend's Step): its base learning rate. */
export interface StepRate {
  lr: number;
}

export function epochRates(plan: readonly StepRate[], epoch: number, epochs: number, optimizer: Optimizer, schedule: Schedule): Float32Array {
  const rates = new Float32Array(plan.length * 4);
  const total = plan.length * epochs;
  plan.forEach((step, s) => {
    const t = epoch * plan.length + s;
    const [c1, c2] = RULES[optimizer.kind].corrected ? adamCorrections(optimizer, t + 1) : [1, 1];
    rates.set([scheduledRate(step.lr, schedule, t, plan.length, total), c1, c2, 0], 4 * s);
  });
  return rates;
}

/** The table for a plan at its base rates (no schedule, no correction): before the first epoch. */
export function baseRates(plan: readonly StepRate[]): Float32Array {
  const rates = new Float32Array(Math.max(1, plan.length) * 4);
  plan.forEach((step, s) => rates.set([step.lr, 1, 1, 0], 4 * s));
  return rates;
}
