// sgd_update.wgsl: plain stochastic gradient descent, params -= lr · grads.
//
//   rates   (S) vec4: per update of the epoch (lr, c1, c2, 0); this update's is rates[batch.index]
//           (the learning-rate schedule, computed on the host: src/optim/schedule.ts)
//   params, grads  (P) f32, P = C·D + C rounded up to a multiple of 4 (the padding stays 0)
// Dispatch: ceil(P / WORKGROUP_SIZE) workgroups, one thread per parameter.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> rates: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> params: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= arrayLength(&params)) { return; }
  params[p] -= rates[batch.index].x * grads[p];
}
