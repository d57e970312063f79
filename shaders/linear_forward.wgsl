// linear_forward.wgsl: predictions of linear regression for one batch, ŷ = X·w + b.
//
//   features (N, D) f32, row i of the batch is example order[batch.start + i]
//   params   w (D) then b, then padding (f32)
//   pred     (B) f32
// Dispatch: ceil(B / WORKGROUP_SIZE) workgroups, one thread per example; the dot product runs
// in feature order.

override WORKGROUP_SIZE: u32 = 64u;
override FEATURES: u32 = 1u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> pred: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= batch.size) { return; }
  let row = order[batch.start + i] * FEATURES;
  var acc = 0.0;
  for (var j = 0u; j < FEATURES; j++) { acc += features[row + j] * params[j]; }
  pred[i] = acc + params[FEATURES];
}
