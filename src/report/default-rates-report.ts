/**
 * The results file of npm run bench:defaults (bench/default-rates.ts, schema
 * "downhill-default-rates/1") and its markdown report, written beside it and rendered into the
 * README (npm run bench:readme).
 */
import type { InputMoments } from '../data/moments';
import { type AdapterReport, adapterLabel } from '../device/adapter-info';

/** One rate's run on one dataset. */
export interface RateOutcome {
  lr: number;
  testAccuracy: number;
  finalLoss: number;
  /** epochs whose loss ended above the one a whole epoch before */
  rises: number[];
  diverged: boolean;
}

/** One dataset: its default rate and why, and how that rate, the old default and the grid did. */
export interface DefaultRatesRow {
  dataset: string;
  what: string;
  trainCount: number;
  moments: InputMoments;
  reason: string;
  safe: number;
  newDefault: RateOutcome;
  oldDefault: RateOutcome;
  grid: RateOutcome[];
  baseline: RateOutcome;
}

export interface DefaultRatesBench {
  schema: 'downhill-default-rates/1';
  createdAt: string;
  /** absent where no dataset ran */
  adapter?: AdapterReport;
  environment: Record<string, unknown>;
  epochs: number;
  batchSize: number;
  grid: number[];
  oldDefault: number;
  rows: DefaultRatesRow[];
}

/** A test accuracy as a percentage, '–' where there is none. */
export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '–');

function cells(o: RateOutcome): string[] {
  return o.diverged ? ['diverged', '–', '–'] : [pct(o.testAccuracy), o.finalLoss.toFixed(4), o.rises.length ? o.rises.join(', ') : 'none'];
}

export function defaultRatesReport(b: DefaultRatesBench): string {
  const head = ['dataset', 'train images', 'tr M', 'λmax M', 'new lr', 'new: test acc', 'loss', 'rises', `old lr ${b.oldDefault}: test acc`, 'loss', 'rises', 'baseline lr', 'baseline: test acc', 'loss', 'rises'];
  const lines = [
    `# Default learning rates beyond MNIST: ${b.adapter ? adapterLabel(b.adapter) : 'no adapter'}, ${b.createdAt.slice(0, 10)}`,
    '',
    `Linear softmax classifier, plain SGD at batch ${b.batchSize}, ${b.epochs} epochs, shuffle seed 1, zero start, on datasets built from MNIST (the test set transformed alike). ` +
      `"new": the data-derived default (src/train/default-rate.ts); "old": min(0.5, 0.01·B) = ${b.oldDefault}; "baseline": the best test accuracy of the grid ${b.grid.join(', ')} (chosen on the test set, so optimistic). ` +
      `"rises": epochs whose training loss ended more than 5% above the loss a whole epoch before (src/train/rises.ts). Every rate of a dataset trains stacked on one engine with the same shuffles. Reproduce with \`npm run bench:defaults\`.`,
    '',
    '## The new default, the old one and the best of the grid',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...b.rows.map((r) => `| ${[r.dataset, r.trainCount.toLocaleString('en-US'), r.moments.trace.toFixed(1), r.moments.lambdaMax.toFixed(1), String(r.newDefault.lr), ...cells(r.newDefault), ...cells(r.oldDefault), String(r.baseline.lr), ...cells(r.baseline)].join(' | ')} |`),
    '',
    '## Every rate of the grid',
    '',
    `| dataset | ${b.grid.map((g) => `lr ${g}`).join(' | ')} |`,
    `| --- | ${b.grid.map(() => '---').join(' | ')} |`,
    ...b.rows.map((r) => `| ${r.dataset} | ${r.grid.map((o) => (o.diverged ? 'diverged' : `${pct(o.testAccuracy)} (loss ${o.finalLoss.toFixed(3)})`)).join(' | ')} |`),
    '',
    '## Why each default (as `npm run train` prints it)',
    '',
    ...b.rows.map((r) => `- ${r.dataset}: ${r.reason}`),
    '',
  ];
  return lines.join('\n');
}
