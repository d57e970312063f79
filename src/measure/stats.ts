/** Summary statistics for repeated measurements: median and spread, never a single sample. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** first and third quartiles (linear interpolation between order statistics) */
  q1: number;
  q3: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!, q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) };
}

/** Relative spread (max - min) / median, for "± x%" in the report. */
export function relativeSpread(s: Summary): number {
  return s.median === 0 ? 0 : (s.max - s.min) / s.median;
}

/**
 * Step counts at which to record a curve of about `points` points spread evenly on a log scale
 * between 1 and `maxSteps` (a log time axis then shows them evenly).
 */
export function logSpacedSteps(maxSteps: number, points: number): number[] {
  const out = new Set<number>();
  for (let k = 0; k < points; k++) out.add(Math.max(1, Math.round(maxSteps ** (k / (points - 1)))));
  return [...out].sort((a, b) => a - b);
}
