// stacked_softmax_xent.wgsl: softmax_xent.wgsl for K models at once.
//
//   logits, dlogits (B, K, C) f32; labels (N) u32 through order
//   loss    (K, N) f32: model k's loss of batch row i at loss[k·N + batch.start + i]
// Thread t is example i = t / MODELS of model k = t % MODELS.
// Dispatch: ceil(B·MODELS / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override MODELS: u32 = 1u;
override ROWS: u32 = 1u; // N

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x / MODELS;
  let k = gid.x % MODELS;
  if (i >= batch.size) { return; }
  let row = (i * MODELS + k) * CLASSES;
  var m = logits[row];
  for (var c = 1u; c < CLASSES; c++) { m = max(m, logits[row + c]); }
  var sum = 0.0;
  for (var c = 0u; c < CLASSES; c++) { sum += exp(logits[row + c] - m); }
  let y = labels[order[batch.start + i]];
  loss[k * ROWS + batch.start + i] = log(sum) - (logits[row + y] - m);
  let inv_sum = 1.0 / sum;
  for (var c = 0u; c < CLASSES; c++) {
    dlogits[row + c] = exp(logits[row + c] - m) * inv_sum - select(0.0, 1.0, c == y);
  }
}
