/**
 * A training loss that rises over a whole epoch: the sign of a learning rate too large for the
 * data (the iterates oscillate across a valley instead of descending it). Found from the history
 * alone, comparing each recorded loss with the one recorded at least one epoch before it, by
 * fractional epoch, so it holds whatever the recording interval (a point at every epoch's end is
 * not assumed).
 */
import type { HistoryPoint } from './trainer';
import { ADAPTIVE_REASON, NO_SMALLER_RATE, isFloat32Rate, rateToTry } from './options';
import { shown } from '../format';
import { type Optimizer, SGD } from '../optim/optimizer';

export interface Rise {
  /** the epoch (1-based) the rise ended in */
  epoch: number;
  /** the loss one epoch (or more) before, and at the end of the rise */
  from: number;
  to: number;
}

/**
 * How much higher than a whole epoch earlier a loss must be to count: 5%. Measured: MNIST at
 * batch 100 and lr 0.5 (the old default), recorded 4 times per epoch, levels out near 0.28 and
 * then wiggles; its largest rise over one epoch is 1.4% (epoch 3.5 → 4.5, 0.282 → 0.286). A
 * rate past the stability edge makes rises of tens of percent.
 */
export const RISE_TOLERANCE = 0.05;

/**
 * A rise must also exceed this share of the uninformed model's loss (see uninformedLoss): near a
 * noise floor a loss a thousandfold below it wiggles by more than RISE_TOLERANCE of itself
 * without any instability (measured: a 200-row regression with noise 0.01 at its default rate,
 * 4.37e-5 → 5.00e-5 over an epoch, against 0.58 for predicting the mean). A rate past the
 * stability edge makes the loss grow geometrically, past any such margin within a few epochs.
 */
export const RISE_FLOOR = 1e-3;

/** Small slack so that a point at epoch 2.0000000001 counts as one epoch after a point at 1. */
const EPOCH_SLACK = 1e-9;

/**
 * The loss of a model that learned nothing, the scale a rise is measured against: for the
 * classifier the uniform prediction's, ln(classes); for regression predicting the mean, which the
 * training R² tells from any recording (loss / (1 − R²)), the first one here; where R² says nothing
 * (a constant target, a start at R² 1), the first loss.
 */
export function uninformedLoss(task: 'classification' | 'regression', classes: number, history: readonly Pick<HistoryPoint, 'loss' | 'accuracy'>[]): number {
  if (task === 'classification') return Math.log(classes);
  const first = history[0];
  if (!first) return 0;
  const mean = first.loss / (1 - first.accuracy);
  return Number.isFinite(mean) && mean > 0 ? Math.max(mean, first.loss) : first.loss;
}

/**
 * Each epoch whose loss ended above the loss one whole epoch earlier (by more than the tolerance,
 * and by more than RISE_FLOOR of `uninformed`), its largest rise only.
 */
export function lossRises(history: readonly Pick<HistoryPoint, 'epoch' | 'loss'>[], uninformed: number, tolerance = RISE_TOLERANCE): Rise[] {
  const byEpoch = new Map<number, Rise>();
  const floor = RISE_FLOOR * uninformed;
  let before = -1;
  for (const point of history) {
    // the last point at least one epoch before this one (history is in order of epoch)
    while (before + 1 < history.length && history[before + 1]!.epoch <= point.epoch - 1 + EPOCH_SLACK) before++;
    if (before < 0) continue;
    const earlier = history[before]!;
    if (!(point.loss > earlier.loss * (1 + tolerance) && point.loss - earlier.loss > floor)) continue;
    const epoch = Math.max(1, Math.ceil(point.epoch - EPOCH_SLACK));
    const seen = byEpoch.get(epoch);
    if (!seen || point.loss / earlier.loss > seen.to / seen.from) byEpoch.set(epoch, { epoch, from: earlier.loss, to: point.loss });
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/**
 * The warning for a run whose loss rose, or null: the epochs, the largest rise, and the rate to
 * try: `safe` (1/L, from the data's curvature) when it is below the rate used, else a quarter of
 * the rate used (the curvature grew past the zero start's, or the optimiser, Adam or RMSprop,
 * has no curvature-derived rate: `safe` null).
 */
export function riseWarning(rises: readonly Rise[], lr: number, safe: number | null, optimizer: Optimizer = SGD): string | null {
  if (rises.length === 0) return null;
  const worst = rises.reduce((a, b) => (b.to / b.from > a.to / a.from ? b : a));
  const epochs = rises.length === 1 ? `epoch ${worst.epoch}` : `epochs ${listed(rises.map((r) => String(r.epoch)))}`;
  const most = rises.length === 1 ? '' : `most over epoch ${worst.epoch}: `;
  const loss = (x: number) => x.toPrecision(3);
  const next = rateToTry(lr, 4, 3, optimizer);
  const tryIt = next === null ? NO_SMALLER_RATE : `try --lr ${shown(next.lr)}${next.adaptive ? `, ${optimizer.kind}'s default: ${ADAPTIVE_REASON}` : ''}`;
  const rate = shown(lr);
  const verdict = safe === null || !isFloat32Rate(safe) ? `lr ${rate} is too large for this data; ${tryIt}`
    : safe < lr ? `lr ${rate} is too large for this data; 1/L = ${shown(safe)} would be safe (--lr ${shown(safe)})`
    : `lr ${rate} is within the start's 1/L = ${shown(safe)}, so the curvature grew past the start's: ${tryIt}`;
  return `warning: the training loss rose over ${epochs} (${most}${loss(worst.from)} → ${loss(worst.to)}): ${verdict}`;
}

/** "1, 2 and 3" */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
