/** CPU reference for shaders/sgd_update.wgsl: params -= lr · grads, in place, rounded to f32. */
export function sgdUpdateRef(params: Float32Array, grads: ArrayLike<number>, lr: number): void {
  for (let p = 0; p < params.length; p++) params[p] = params[p] - lr * grads[p];
}
