/**
 * CPU reference for shaders/adam_update.wgsl, in place, each result rounded to f32 as stored:
 *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= lr · (m·c1) / (sqrt(v·c2) + ε)
 * with c1 = 1/(1-β1ᵗ), c2 = 1/(1-β2ᵗ) for update t (src/optim/optimizer.ts, adamCorrections).
 */
export function adamUpdateRef(
  params: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grads: ArrayLike<number>,
  rate: { lr: number; c1: number; c2: number },
  o: { beta1: number; beta2: number; epsilon: number },
): void {
  for (let p = 0; p < params.length; p++) {
    const g = grads[p]!;
    const m1 = o.beta1 * m[p]! + (1 - o.beta1) * g;
    const v1 = o.beta2 * v[p]! + (1 - o.beta2) * g * g;
    m[p] = m1;
    v[p] = v1;
    params[p] = params[p]! - (rate.lr * (m1 * rate.c1)) / (Math.sqrt(v1 * rate.c2) + o.epsilon);
  }
}
