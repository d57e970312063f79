/** Epoch positions covered by plan steps [first, first + count): steps tile the epoch in order. */
import type { Step } from './backend';

export function planSpan(plan: readonly Step[], first: number, count: number): { from: number; to: number } {
  if (count < 1 || first < 0 || first + count > plan.length) throw new Error(`steps ${first}..${first + count} are outside the plan of ${plan.length}`);
  const last = plan[first + count - 1]!;
  return { from: plan[first]!.start, to: last.start + last.size };
}
