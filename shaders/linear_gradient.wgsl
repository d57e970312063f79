// linear_gradient.wgsl: the batch-mean gradient of the squared-error loss of linear regression.
//
//   grad w_j = Σ_i r_i · X[i, j] / B,   grad b = Σ_i r_i / B
//   features (N, D) f32 through order; residual (B) f32 from squared_error; grads as params
// Thread j < D owns feature j, thread D the bias, thread > D zeroes the padding; each sums over
// the batch in index order (deterministic, no atomics).
// Dispatch: ceil(P / WORKGROUP_SIZE) workgroups, P = D + 1 rounded up to a multiple of 4.

override WORKGROUP_SIZE: u32 = 64u;
override FEATURES: u32 = 1u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= arrayLength(&grads)) { return; }
  if (j > FEATURES) {
    grads[j] = 0.0;
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < batch.size; i++) {
    let x = select(features[order[batch.start + i] * FEATURES + j], 1.0, j == FEATURES);
    acc += residual[i] * x;
  }
  grads[j] = acc * batch.inv_size;
}
