/**
 * CPU reference for shaders/update.wgsl: one update of one model, in place, each result rounded
 * to f32 as stored (s1, s2: the rule's state arrays, as in the kernel):
 *   sgd       p -= lr · g
 *   momentum  v = μ·v + g;  p -= lr · v              (s1 = v)
 *   nesterov  v = μ·v + g;  p -= lr · (g + μ·v)      (s1 = v)
 *   adam      m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= lr · (m·c1) / (sqrt(v·c2) + ε)
 *             with c1 = 1/(1-β1ᵗ), c2 = 1/(1-β2ᵗ) for update t (src/optim/optimizer.ts)  (s1 = m, s2 = v)
 *   rmsprop   v = β2·v + (1-β2)·g²;  p -= lr · g / (sqrt(v) + ε)                        (s1 = v)
 * A sweep's model k is this with its own slices and rate (src/reference/stacked.ts).
 */
import type { Optimizer } from '../optim/optimizer';

export interface UpdateRate {
  lr: number;
  c1: number;
  c2: number;
}

export function updateRef(
  o: Pick<Optimizer, 'kind' | 'momentum' | 'beta1' | 'beta2' | 'epsilon'>,
  params: Float32Array,
  s1: Float32Array,
  s2: Float32Array,
  grads: ArrayLike<number>,
  rate: UpdateRate,
): void {
  const { lr, c1, c2 } = rate;
  for (let p = 0; p < params.length; p++) {
    const g = grads[p]!;
    switch (o.kind) {
      case 'sgd':
        params[p] = params[p]! - lr * g;
        break;
      case 'momentum':
      case 'nesterov': {
        const v = o.momentum * s1[p]! + g;
        s1[p] = v;
        params[p] = params[p]! - lr * (o.kind === 'nesterov' ? g + o.momentum * v : v);
        break;
      }
      case 'adam': {
        const m1 = o.beta1 * s1[p]! + (1 - o.beta1) * g;
        const v1 = o.beta2 * s2[p]! + (1 - o.beta2) * g * g;
        s1[p] = m1;
        s2[p] = v1;
        params[p] = params[p]! - (lr * (m1 * c1)) / (Math.sqrt(v1 * c2) + o.epsilon);
        break;
      }
      case 'rmsprop': {
        const v = o.beta2 * s1[p]! + (1 - o.beta2) * g * g;
        s1[p] = v;
        params[p] = params[p]! - (lr * g) / (Math.sqrt(v) + o.epsilon);
        break;
      }
    }
  }
}
