/**
 * One epoch as a list of steps: batches of `batchSize` consecutive rows of the epoch's shuffled
 * order; the last batch keeps the remainder with its true size (its gradient is a mean over that
 * size, not over batchSize).
 */
import type { Plan, Step } from '../backend/backend';

export function epochPlan(examples: number, batchSize: number): Plan {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > examples) {
    throw new Error(`batch size ${batchSize} is not in 1..${examples}`);
  }
  const steps: Step[] = [];
  for (let start = 0; start < examples; start += batchSize) {
    steps.push({ start, size: Math.min(batchSize, examples - start) });
  }
  return Object.assign(steps, { batchSize });
}
