// squared_error.wgsl: residuals and the squared-error loss of linear regression, per example.
//
//   pred     (B) f32 from linear_forward
//   targets  (N) f32, example order[batch.start + i] is row i
//   residual (B) f32: r = ŷ - y (the loss's gradient with respect to ŷ)
//   loss     (N) f32: loss[batch.start + i] = r² / 2, at the example's position in the epoch (as
//            softmax_xent stores it: the trainer reads a window back when it records)
// Dispatch: ceil(B / WORKGROUP_SIZE) workgroups, one thread per example.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> residual: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= batch.size) { return; }
  let r = pred[i] - targets[order[batch.start + i]];
  residual[i] = r;
  loss[batch.start + i] = 0.5 * r * r;
}
