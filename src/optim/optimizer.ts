/**
 * Optimisers: how a gradient becomes an update. Each has a WGSL update kernel (shaders/) and a
 * CPU reference (src/reference/) that is its spec; the state each keeps per parameter is what a
 * checkpoint saves beside the parameters.
 *
 *   sgd       p -= lr · g
 *   momentum  v = μ v + g;  p -= lr · v                       (heavy ball, as in PyTorch)
 *   nesterov  v = μ v + g;  p -= lr · (g + μ v)
 *   adam      m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;
 *             p -= lr · (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)   (t = 1, 2, …)
 *   rmsprop   v = β2 v + (1-β2) g²;  p -= lr · g / (sqrt(v) + ε)
 */
export const OPTIMIZER_KINDS = ['sgd', 'momentum', 'nesterov', 'adam', 'rmsprop'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export interface Optimizer {
  kind: OptimizerKind;
  /** momentum, nesterov: μ */
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export type OptimizerConstant = Exclude<keyof Optimizer, 'kind'>;

export const SGD: Optimizer = { kind: 'sgd', momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * What each optimiser is, besides its update rule (shaders/update.wgsl, whose KIND_ codes are
 * the kinds' positions in OPTIMIZER_KINDS, and src/reference/update.ts): the state it keeps per
 * parameter (what a checkpoint saves), the constants it reads (the others are refused as
 * options), its default rate for a batch size, and whether its rates table carries Adam's bias
 * corrections.
 */
interface Rule {
  state: readonly string[];
  constants: readonly OptimizerConstant[];
  /** Default rate at batch size b; `sgdRate` is plain SGD's, derived from the data (src/train/default-rate.ts) */
  defaultRate(sgdRate: number, o: Optimizer): number;
  corrected: boolean;
}

export const RULES: Record<OptimizerKind, Rule> = {
  sgd: { state: [], constants: [], defaultRate: (sgd) => sgd, corrected: false },
  // (1 - μ) of SGD's rate, so that the step in a steady direction, lr / (1 - μ), stays the same
  momentum: { state: ['v'], constants: ['momentum'], defaultRate: (sgd, o) => sgd * (1 - o.momentum), corrected: false },
  nesterov: { state: ['v'], constants: ['momentum'], defaultRate: (sgd, o) => sgd * (1 - o.momentum), corrected: false },
  // steps of about lr per parameter whatever the gradient's scale: 0.001 (Kingma & Ba)
  adam: { state: ['m', 'v'], constants: ['beta1', 'beta2', 'epsilon'], defaultRate: () => 0.001, corrected: true },
  // Adam without momentum or bias correction: β2 is its decay (PyTorch's α), 0.001 as Adam
  rmsprop: { state: ['v'], constants: ['beta2', 'epsilon'], defaultRate: () => 0.001, corrected: false },
};

/** Arrays of optimiser state per parameter: none, v, or m and v. */
export function stateArrays(kind: OptimizerKind): readonly string[] {
  return RULES[kind].state;
}

/** Adam's bias corrections for update t (1-based): 1 / (1 - β1ᵗ), 1 / (1 - β2ᵗ). */
export function adamCorrections(o: Optimizer, t: number): [number, number] {
  return [1 / (1 - o.beta1 ** t), 1 / (1 - o.beta2 ** t)];
}

const CONSTANT_NAMES: Record<OptimizerConstant, string> = { momentum: 'μ', beta1: 'β1', beta2: 'β2', epsilon: 'ε' };

export function describeOptimizer(o: Optimizer): string {
  const constants = RULES[o.kind].constants;
  return constants.length === 0 ? o.kind : `${o.kind} (${constants.map((c) => `${CONSTANT_NAMES[c]} ${o[c]}`).join(', ')})`;
}
