// linear_gradient.wgsl: the batch-mean gradient of the squared-error loss of linear regression,
// for K configurations at once (stacked; a run is K = 1).
//
//   grad w_j = Σ_i r_i · X[i, j] / B,   grad b = Σ_i r_i / B
//   features (N, D) f32 through order; residual (B, K) f32 from squared_error
//   grads    K models at grads[k·STRIDE ..], each as params: w (D), b, padding
// Thread t = k·STRIDE + j: j < D owns feature j of model k, j = D the bias (0 when INTERCEPT is
// 0: a model without an intercept keeps b where it started), j > D zeroes the padding; each sums over the batch in index order (deterministic, no atomics). Threads past
// the array (a single model's array is shorter than STRIDE) do nothing.
// Dispatch: ceil(K·STRIDE / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override FEATURES: u32 = 1u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 64u; // f32 per model
override INTERCEPT: u32 = 1u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= arrayLength(&grads)) { return; }
  let k = t / STRIDE;
  let j = t % STRIDE;
  if (j > FEATURES || (j == FEATURES && INTERCEPT == 0u)) {
    grads[t] = 0.0;
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < batch.size; i++) {
    let x = select(features[order[batch.start + i] * FEATURES + j], 1.0, j == FEATURES);
    acc += residual[i * MODELS + k] * x;
  }
  grads[t] = acc * batch.inv_size;
}
