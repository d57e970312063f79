// linear_forward.wgsl: predictions of linear regression for one batch, ŷ = X·w + b, for K
// configurations at once (stacked; a run is K = 1).
//
//   features (N, D) f32, row i of the batch is example order[batch.start + i]
//   params   K models, model k at params[k·STRIDE ..]: w (D) then b, then padding (f32)
//   pred     (B, K) f32
// Thread t is example i = t / K of model k = t % K; the dot product runs in feature order.
// Dispatch: ceil(B·K / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override FEATURES: u32 = 1u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 64u; // f32 per model

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> pred: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x / MODELS;
  let k = gid.x % MODELS;
  if (i >= batch.size) { return; }
  let row = order[batch.start + i] * FEATURES;
  let w = k * STRIDE;
  var acc = 0.0;
  for (var j = 0u; j < FEATURES; j++) { acc += features[row + j] * params[w + j]; }
  pred[i * MODELS + k] = acc + params[w + FEATURES];
}
