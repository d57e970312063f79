/**
 * CPU reference for shaders/momentum_update.wgsl, in place, each result rounded to f32 as stored:
 *   v = μ·v + g;  heavy ball: p -= lr · v;  Nesterov: p -= lr · (g + μ·v)
 */
export function momentumUpdateRef(params: Float32Array, velocity: Float32Array, grads: ArrayLike<number>, lr: number, momentum: number, nesterov: boolean): void {
  for (let p = 0; p < params.length; p++) {
    const g = grads[p]!;
    const v = momentum * velocity[p]! + g;
    velocity[p] = v;
    params[p] = params[p]! - lr * (nesterov ? g + momentum * v : v);
  }
}
