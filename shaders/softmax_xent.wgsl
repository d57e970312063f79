// softmax_xent.wgsl: softmax, cross-entropy loss and the logits' gradient, per example, for K
// models at once (a sweep; a run is K = 1).
//
//   logits  (B, K, C) f32
//   labels  (N) u32, example order[batch.start + i] is row i
//   loss    (K, N) f32: model k's loss of batch row i at loss[k·N + batch.start + i], with
//           -log softmax(z)[y] = log Σ exp(z - m) - (z_y - m), m = max z. Indexed by position in
//           the epoch, so an epoch's losses accumulate on the GPU and the trainer reads back a
//           window of them only when it records.
//   dlogits (B, K, C) f32: softmax(z) - onehot(y), not yet divided by B (the gradient kernel does)
// The max is subtracted before exp so that large logits cannot overflow (softmax_of, prelude).
// Thread t is example i = t / K of model k = t % K.
// Dispatch: ceil(B·K / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override MODELS: u32 = 1u;
override ROWS: u32 = 0u; // N: the stride of the models' losses (unused when K = 1)

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
  let s = softmax_of(vec4(logits[row], logits[row + 1u], logits[row + 2u], logits[row + 3u]),
                     vec4(logits[row + 4u], logits[row + 5u], logits[row + 6u], logits[row + 7u]),
                     vec2(logits[row + 8u], logits[row + 9u]));
  let y = labels[order[batch.start + i]];
  loss[k * ROWS + batch.start + i] = cross_entropy(s, logits[row + y]);
  let inv_sum = 1.0 / s.sum;
  for (var c = 0u; c < CLASSES; c++) {
    dlogits[row + c] = exp(logits[row + c] - s.m) * inv_sum - select(0.0, 1.0, c == y);
  }
}
