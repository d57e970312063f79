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
 */
export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adam';
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['sgd', 'momentum', 'nesterov', 'adam'];

export interface Optimizer {
  kind: OptimizerKind;
  /** momentum, nesterov: μ */
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const SGD: Optimizer = { kind: 'sgd', momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Arrays of optimiser state per parameter: none, v, or m and v. */
export function stateArrays(kind: OptimizerKind): readonly string[] {
  return kind === 'sgd' ? [] : kind === 'adam' ? ['m', 'v'] : ['v'];
}

/** Adam's bias corrections for update t (1-based): 1 / (1 - β1ᵗ), 1 / (1 - β2ᵗ). */
export function adamCorrections(o: Optimizer, t: number): [number, number] {
  return [1 / (1 - o.beta1 ** t), 1 / (1 - o.beta2 ** t)];
}

export function describeOptimizer(o: Optimizer): string {
  if (o.kind === 'momentum' || o.kind === 'nesterov') return `${o.kind} (μ ${o.momentum})`;
  if (o.kind === 'adam') return `adam (β1 ${o.beta1}, β2 ${o.beta2}, ε ${o.epsilon})`;
  return 'sgd';
}
