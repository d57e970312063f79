// gradient.wgsl: the batch-mean gradient of the loss with respect to W and b.
//
//   dW (C, D) = dlogitsᵀ · X / B        db (C) = Σ_i dlogits[i] / B
//
//   images  (N, D) bytes packed 4 per u32; batch row i is example order[batch.start + i]
//   dlogits (B, C) f32 from softmax_xent
//   grads   same layout as params: dW as (C, ROW_WORDS) vec4 then db in 3 vec4 (2 lanes padding)
// Thread k < ROW_WORDS owns features 4k..4k+3 for all ten classes and sums over the batch in
// index order, so the result is deterministic (no atomics). Thread ROW_WORDS computes db.
// Dispatch: ceil((ROW_WORDS + 1) / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x;
  if (k > ROW_WORDS) { return; }
  if (k == ROW_WORDS) {
    var s0 = vec4(0.0); var s1 = vec4(0.0); var s2 = vec2(0.0);
    for (var i = 0u; i < batch.size; i++) {
      let g = i * CLASSES;
      s0 += vec4(dlogits[g], dlogits[g + 1u], dlogits[g + 2u], dlogits[g + 3u]);
      s1 += vec4(dlogits[g + 4u], dlogits[g + 5u], dlogits[g + 6u], dlogits[g + 7u]);
      s2 += vec2(dlogits[g + 8u], dlogits[g + 9u]);
    }
    let bias = CLASSES * ROW_WORDS;
    grads[bias] = s0 * batch.inv_size;
    grads[bias + 1u] = s1 * batch.inv_size;
    grads[bias + 2u] = vec4(s2 * batch.inv_size, 0.0, 0.0);
    return;
  }
  var a0 = vec4(0.0); var a1 = vec4(0.0); var a2 = vec4(0.0); var a3 = vec4(0.0); var a4 = vec4(0.0);
  var a5 = vec4(0.0); var a6 = vec4(0.0); var a7 = vec4(0.0); var a8 = vec4(0.0); var a9 = vec4(0.0);
  for (var i = 0u; i < batch.size; i++) {
    let x = unpack4x8unorm(images[order[batch.start + i] * ROW_WORDS + k]);
    let g = i * CLASSES;
    a0 += dlogits[g] * x;
    a1 += dlogits[g + 1u] * x;
    a2 += dlogits[g + 2u] * x;
    a3 += dlogits[g + 3u] * x;
    a4 += dlogits[g + 4u] * x;
    a5 += dlogits[g + 5u] * x;
    a6 += dlogits[g + 6u] * x;
    a7 += dlogits[g + 7u] * x;
    a8 += dlogits[g + 8u] * x;
    a9 += dlogits[g + 9u] * x;
  }
  let s = batch.inv_size;
  grads[k] = a0 * s;
  grads[ROW_WORDS + k] = a1 * s;
  grads[2u * ROW_WORDS + k] = a2 * s;
  grads[3u * ROW_WORDS + k] = a3 * s;
  grads[4u * ROW_WORDS + k] = a4 * s;
  grads[5u * ROW_WORDS + k] = a5 * s;
  grads[6u * ROW_WORDS + k] = a6 * s;
  grads[7u * ROW_WORDS + k] = a7 * s;
  grads[8u * ROW_WORDS + k] = a8 * s;
  grads[9u * ROW_WORDS + k] = a9 * s;
}
