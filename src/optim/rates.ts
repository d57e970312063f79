/**
 * The per-update table the update kernels read: for each step of an epoch's plan, one vec4 per
 * stacked configuration k, at row s·K + k: (lr, c1, c2, 0) with lr configuration k's base rate
 * times the schedule's factor for that update, computed in float64 and rounded once to float32
 * (so a configuration in a stack gets the same bits as the same one run alone), and c1, c2 Adam's
 * bias corrections (1 for the other optimisers). Written once per epoch: 16 bytes per update and
 * configuration, no per-step upload.
 */
import { type Optimizer, RULES, adamCorrections } from './optimizer';
import { type Schedule, scheduledRate } from './schedule';

/** What the table needs of a configuration (a backend's ModelConfig): its rule and base rate. */
export interface RatedConfig {
  optimizer: Optimizer;
  lr: number;
}

export function epochRates(updates: number, epoch: number, epochs: number, configs: readonly RatedConfig[], schedule: Schedule): Float32Array {
  const K = configs.length;
  const rates = new Float32Array(updates * K * 4);
  const total = updates * epochs;
  for (let s = 0; s < updates; s++) {
    const t = epoch * updates + s;
    configs.forEach(({ optimizer, lr }, k) => {
      const [c1, c2] = RULES[optimizer.kind].corrected ? adamCorrections(optimizer, t + 1) : [1, 1];
      rates.set([scheduledRate(lr, schedule, t, updates, total), c1, c2, 0], 4 * (s * K + k));
    });
  }
  return rates;
}

/** The table at the configurations' base rates (no schedule, no correction): before the first epoch. */
export function baseRates(updates: number, configs: readonly RatedConfig[]): Float32Array {
  const K = configs.length;
  const rates = new Float32Array(Math.max(1, updates) * K * 4);
  for (let s = 0; s < updates; s++) configs.forEach(({ lr }, k) => rates.set([lr, 1, 1, 0], 4 * (s * K + k)));
  return rates;
}
