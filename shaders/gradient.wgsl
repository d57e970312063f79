// gradient.wgsl: the gradient of the loss with respect to W and b, summed over chunks of the
// batch, for K models at once (a sweep; a run is K = 1).
//
//   dW (C, D) = dlogitsᵀ · X / B        db (C) = Σ_i dlogits[i] / B
//
//   images  (N, D) bytes packed 4 per u32; batch row i is example order[batch.start + i]
//   dlogits (B, K, C) f32 from softmax_xent
//   grads   (Q, K) slots of STRIDE vec4s, each in the params layout (dW as (C, ROW_WORDS) vec4,
//           then db in 3 vec4, 2 lanes padding); slot q·K + k is chunk q's sum for model k
// CHUNK = 0: the whole batch is one chunk (Q = 1), divided by B: the gradient itself.
// CHUNK > 0 (split-K, for large batches): chunk q is rows [q·CHUNK, min((q+1)·CHUNK, B)), not
//   yet divided by B; gradient_reduce.wgsl adds the Q chunks in chunk order.
// Thread t = s·(ROW_WORDS + 1) + w owns feature word w (features 4w..4w+3 of all ten classes;
// w = ROW_WORDS: the bias) of slot s, so neighbouring threads read neighbouring words of the same
// image row, and sums its chunk in index order: deterministic, no atomics.
// Dispatch: ceil(Q·K·(ROW_WORDS + 1) / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 1968u; // vec4s per slot
override CHUNK: u32 = 0u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = gid.x / (ROW_WORDS + 1u);
  let w = gid.x % (ROW_WORDS + 1u);
  let k = slot % MODELS;
  let whole = CHUNK == 0u;
  let rows = select(CHUNK, batch.size, whole);
  let first = (slot / MODELS) * rows;
  if (first >= batch.size) { return; }
  let end = min(first + rows, batch.size);
  let s = select(1.0, batch.inv_size, whole);
  let base = slot * STRIDE;
  if (w == ROW_WORDS) {
    var s0 = vec4(0.0); var s1 = vec4(0.0); var s2 = vec2(0.0);
    for (var i = first; i < end; i++) {
      let g = (i * MODELS + k) * CLASSES;
      s0 += vec4(dlogits[g], dlogits[g + 1u], dlogits[g + 2u], dlogits[g + 3u]);
      s1 += vec4(dlogits[g + 4u], dlogits[g + 5u], dlogits[g + 6u], dlogits[g + 7u]);
      s2 += vec2(dlogits[g + 8u], dlogits[g + 9u]);
    }
    let bias = base + CLASSES * ROW_WORDS;
    grads[bias] = s0 * s;
    grads[bias + 1u] = s1 * s;
    grads[bias + 2u] = vec4(s2 * s, 0.0, 0.0);
    return;
  }
  var a0 = vec4(0.0); var a1 = vec4(0.0); var a2 = vec4(0.0); var a3 = vec4(0.0); var a4 = vec4(0.0);
  var a5 = vec4(0.0); var a6 = vec4(0.0); var a7 = vec4(0.0); var a8 = vec4(0.0); var a9 = vec4(0.0);
  for (var i = first; i < end; i++) {
    let x = unpack4x8unorm(images[order[batch.start + i] * ROW_WORDS + w]);
    let g = (i * MODELS + k) * CLASSES;
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
  let o = base + w;
  grads[o] = a0 * s;
  grads[o + ROW_WORDS] = a1 * s;
  grads[o + 2u * ROW_WORDS] = a2 * s;
  grads[o + 3u * ROW_WORDS] = a3 * s;
  grads[o + 4u * ROW_WORDS] = a4 * s;
  grads[o + 5u * ROW_WORDS] = a5 * s;
  grads[o + 6u * ROW_WORDS] = a6 * s;
  grads[o + 7u * ROW_WORDS] = a7 * s;
  grads[o + 8u * ROW_WORDS] = a8 * s;
  grads[o + 9u * ROW_WORDS] = a9 * s;
}
