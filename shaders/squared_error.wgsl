// squared_error.wgsl: residuals and the squared-error loss of linear regression, per example,
// for K configurations at once (stacked; a run is K = 1).
//
//   pred     (B, K) f32 from linear_forward
//   targets  (N) f32, example order[batch.start + i] is row i
//   residual (B, K) f32: LOSS_FACTOR · (ŷ - y), the loss's gradient with respect to ŷ
//   loss     (K, N) f32: model k's LOSS_FACTOR · (ŷ - y)² / 2 at loss[k·N + batch.start + i], the example's position
//            in the epoch (as softmax_xent stores it: the trainer reads a window back when it records)
// LOSS_FACTOR is 1 for half-mse, (ŷ - y)² / 2, and 2 for mse, (ŷ - y)²: a power of two, so both
// stay exact scalings of the same float32 residual.
// Thread t is example i = t / K of model k = t % K.
// Dispatch: ceil(B·K / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override MODELS: u32 = 1u;
override ROWS: u32 = 0u; // N: the stride of the models' losses (unused when K = 1)
override LOSS_FACTOR: f32 = 1.0;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> residual: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x / MODELS;
  let k = gid.x % MODELS;
  if (i >= batch.size) { return; }
  let r = pred[i * MODELS + k] - targets[order[batch.start + i]];
  residual[i * MODELS + k] = LOSS_FACTOR * r;
  loss[k * ROWS + batch.start + i] = 0.5 * LOSS_FACTOR * r * r;
}
