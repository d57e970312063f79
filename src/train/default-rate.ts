/**
 * The default learning rate, derived from the training data, with the line that says why.
 *
 * Theory. Let M = E[x̃x̃ᵀ] over the training inputs as the engine sees them (src/data/moments.ts).
 * For squared loss ½·mean (ŷ − y)² the Hessian is exactly M; for softmax cross-entropy it is
 * E[(diag p − ppᵀ) ⊗ x̃x̃ᵀ], which at the zero start (p uniform over K classes) is
 * (I/K − 11ᵀ/K²) ⊗ M, whose largest eigenvalue is λ_max(M)/K (globally it is at most λ_max(M)/2).
 * So the curvature is c·M with c = 1 for half-MSE, 2 for MSE and 1/K for the classifier at its
 * start. A mini-batch of B examples adds noise whose size grows with ‖x̃‖²: mean-square stability
 * of SGD along M's top eigenvector needs about η < 2B / (c·(tr M + (B − 1)·λ_max)), so with
 *
 *   L_B = c·(tr M + (B − 1)·λ_max) / B
 *
 * the stability edge is 2/L_B and the default is half of it, 1/L_B.
 *
 * The stability bound does not see SGD's noise: a constant rate leaves the iterates hovering
 * above the minimum by about η·tr Σ / (4B), Σ the per-example gradient covariance there. So the
 * rate is also capped at η ≤ ν·B / tr M, whichever is smaller:
 *
 * - squared loss (theory): for (c/2)·mean (ŷ − y)² an example's gradient is c·r·x̃, so at the
 *   minimum tr Σ = 2c·ℓ*·tr M (ℓ* the loss there, residuals independent of x̃) and the excess is
 *   η·c·tr M/(2B) of ℓ*. ν = 0.05/c keeps it within 2.5%, under the rise detector's 5%
 *   (src/train/rises.ts); at 1/L_B it was 8% at batch 100 and 50% at batch 1 (measured on
 *   synthetic rows: the loss rose over epochs).
 * - softmax cross-entropy (measured): Σ depends on how well the classes separate, which the
 *   inputs do not say; ν = 1 gives 0.0113·B on MNIST (tr M 88.8), the 0.01·B that tuning found
 *   best at batch 1 and 10. It binds below batch K or so. MNIST at batch 1, 2 epochs: 0.0113
 *   (the cap) ends at loss 0.281, 91.85% test; 0.03 at 0.342, 90.08%; 0.114 (1/L_1, uncapped)
 *   at 1.030, 86.68%, its loss rising over epoch 2.
 *
 * Measured at batch 100, 5 epochs (bench/default-rates.ts, bench/results/*-default-rates.md):
 * 1/L_B gives MNIST 0.253 (92.05%; the old 0.5, 92.09%), inverted MNIST 0.0162 (89.58%; 0.5
 * oscillates: 84.76%, loss 1.55), brightened 0.182 (92.28%). The best of a grid was near the
 * edge 2/L_B on MNIST (0.5) and inverted (0.03, 90.18%), which leaves no margin; on a
 * 6,000-image subset (300 updates in all) 4/L_B did best (90.57% against 89.93%): short runs
 * favour larger rates, and the curvature falls below the zero start's as predictions firm up.
 */
import { type InputMoments, inputMoments } from '../data/moments';
import type { TrainingData } from '../data/training-data';
import { CLASSES } from '../model';
import { type Optimizer, RULES } from '../optim/optimizer';
import { UserError } from '../errors';
import { FIELDS, type Naming } from '../fields';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, adaptiveDefaultRate, isFloat32Rate } from './options';
import { standardizeOn } from '../data/regression-data';

export interface DefaultRate {
  lr: number;
  /** one line: the rate, what bound it is and the numbers it came from */
  reason: string;
}

/** What the rate needs to know of the loss: the curvature's scale c and the noise cap's constant ν. */
export interface LossShape {
  curvature: number;
  noise: number;
}

/** Softmax cross-entropy at the zero start: c = 1/K; ν measured on MNIST. */
export const SOFTMAX_XENT: LossShape = { curvature: 1 / CLASSES, noise: 1 };
/** ½·mean (ŷ − y)²: c = 1, ν = 0.05/c (theory, above). */
export const HALF_MSE: LossShape = { curvature: 1, noise: 0.05 };
/** mean (ŷ − y)²: twice the gradient, c = 2, ν = 0.025. */
export const MSE: LossShape = { curvature: 2, noise: 0.025 };

/** The data's loss: the classifier's cross-entropy, or regression's half-MSE or MSE (--loss). */
export function lossShape(data: TrainingData): LossShape {
  if (data.task === 'classification') return SOFTMAX_XENT;
  return data.objective.loss === 'mse' ? MSE : HALF_MSE;
}

/** L_B = c·(tr M + (B − 1)·λ_max) / B: the curvature a batch of B sees, noise included. */
export function batchCurvature(m: Pick<InputMoments, 'trace' | 'lambdaMax'>, batchSize: number, c: number): number {
  return (c * (m.trace + (batchSize - 1) * m.lambdaMax)) / batchSize;
}

/** Plain SGD's rate: 1/L_B, or the noise cap ν·B / tr M where that is smaller; and which bound it is. */
export function sgdRate(m: Pick<InputMoments, 'trace' | 'lambdaMax'>, batchSize: number, loss: LossShape): { lr: number; bound: 'curvature' | 'noise'; curvature: number } {
  const curvature = batchCurvature(m, batchSize, loss.curvature);
  const stable = 1 / curvature;
  const quiet = (loss.noise * batchSize) / m.trace;
  return quiet < stable ? { lr: quiet, bound: 'noise', curvature } : { lr: stable, bound: 'curvature', curvature };
}

/** 3 significant digits: the rate prints as the command line would give it, and the same data gives the same rate. */
export function roundRate(lr: number): number {
  return Number(lr.toPrecision(3));
}

/**
 * The rate the data's curvature calls safe for the optimiser, rounded: 1/L_B for plain SGD (no
 * noise cap: it is about stability), through RULES for momentum and Nesterov; null for Adam and
 * RMSprop, whose steps do not scale with the gradient.
 */
export function safeRate(data: TrainingData, optimizer: Optimizer, batchSize: number): number | null {
  const rule = RULES[optimizer.kind];
  if (!scalesWithSgd(optimizer)) return null;
  return roundRate(rule.defaultRate(1 / batchCurvature(inputMoments(data), batchSize, lossShape(data).curvature), optimizer));
}

/** Whether the optimiser's default rate follows plain SGD's (momentum, Nesterov) or is a constant (Adam, RMSprop). */
function scalesWithSgd(o: Optimizer): boolean {
  return adaptiveDefaultRate(o) === null;
}

/** The default rate for the optimiser on this data at this batch size, and the line that says why. */
export function defaultRate(data: TrainingData, optimizer: Optimizer, batchSize: number): DefaultRate {
  const m = inputMoments(data);
  const loss = lossShape(data);
  const sgd = sgdRate(m, batchSize, loss);
  const lr = roundRate(RULES[optimizer.kind].defaultRate(sgd.lr, optimizer));
  if (!scalesWithSgd(optimizer)) return { lr, reason: `lr ${lr}: the ${optimizer.kind} default, whatever the data; --lr overrides` };
  const via = optimizer.kind === 'sgd' ? '' : ` = (1 − μ) × ${roundRate(sgd.lr)}, plain SGD's`;
  return { lr, reason: `lr ${lr}${via} ${whySgd(sgd, m, batchSize, loss)}; --lr overrides` };
}

/**
 * `rate`, unless float32 (the kernels' precision) cannot hold it as a normal number: inputs of
 * 1e38 give a rate near 1e-77, which float32 makes 0 (the run would learn nothing, silently).
 * Only regression's unstandardised columns reach that; the remedy is to standardise them.
 */
export function checkedDefaultRate(rate: DefaultRate, naming: Naming = FIELDS): DefaultRate {
  if (isFloat32Rate(rate.lr)) return rate;
  const way = rate.lr < FLOAT32_MIN_NORMAL ? 'underflow' : 'overflow';
  throw new UserError(`the data's scale makes the default learning rate (${rate.lr}) ${way} float32, which holds ${FLOAT32_MIN_NORMAL.toPrecision(3)} to ${FLOAT32_MAX.toPrecision(3)}: standardise the features (${standardizeOn(naming)})`);
}

/** Which bound plain SGD's rate is, and the numbers it came from. */
function whySgd(sgd: ReturnType<typeof sgdRate>, m: InputMoments, batchSize: number, loss: LossShape): string {
  const c = loss.curvature;
  const scale = c === 1 ? 'B' : c < 1 ? `B·${Math.round(1 / c)}` : `B/${c}`;
  const curvature = `L = (tr + (B−1)·λmax)/${scale === 'B' ? scale : `(${scale})`} = ${sgd.curvature.toPrecision(3)}`;
  const moments = `from the training inputs' second moment (tr ${m.trace.toFixed(1)}, λmax ${m.lambdaMax.toFixed(1)}, ${m.rows.toLocaleString('en-US')} rows)`;
  return sgd.bound === 'curvature'
    ? `= 1/L for batch ${batchSize}: ${curvature} ${moments}`
    : `= ${loss.noise === 1 ? '' : `${loss.noise}·`}B/tr, the noise cap for batch ${batchSize}, below 1/L = ${roundRate(1 / sgd.curvature)} (${curvature}) ${moments}`;
}
