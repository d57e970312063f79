// gradient_partial.wgsl: first half of the split-K gradient, for large batches.
//
// The batch is cut into chunks of CHUNK rows; chunk q is rows [q·CHUNK, min((q+1)·CHUNK, B)).
//   partials (Q, P/4) vec4, Q = ceil(B / CHUNK): chunk q's Σ_i dlogits[i]ᵀ·[x_i 1] in the params
//            layout (dW as (C, ROW_WORDS) vec4 then db in 3 vec4), not yet divided by B
//   images, order, dlogits as in gradient.wgsl
// Thread t = q·(ROW_WORDS + 1) + k owns chunk q and feature word k (k = ROW_WORDS: the bias), so
// neighbouring threads read neighbouring words of the same image row (coalesced), and a large
// batch gives Q·(ROW_WORDS + 1) threads instead of gradient.wgsl's ROW_WORDS + 1.
// Each thread sums its chunk in index order, gradient_reduce.wgsl adds the chunks in index order:
// deterministic, no atomics.
// Dispatch: ceil(Q·(ROW_WORDS + 1) / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;
override CHUNK: u32 = 256u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x / (ROW_WORDS + 1u);
  let k = gid.x % (ROW_WORDS + 1u);
  let first = q * CHUNK;
  if (first >= batch.size) { return; }
  let end = min(first + CHUNK, batch.size);
  let base = q * (CLASSES * ROW_WORDS + 3u);
  if (k == ROW_WORDS) {
    var s0 = vec4(0.0); var s1 = vec4(0.0); var s2 = vec2(0.0);
    for (var i = first; i < end; i++) {
      let g = i * CLASSES;
      s0 += vec4(dlogits[g], dlogits[g + 1u], dlogits[g + 2u], dlogits[g + 3u]);
      s1 += vec4(dlogits[g + 4u], dlogits[g + 5u], dlogits[g + 6u], dlogits[g + 7u]);
      s2 += vec2(dlogits[g + 8u], dlogits[g + 9u]);
    }
    let bias = base + CLASSES * ROW_WORDS;
    partials[bias] = s0;
    partials[bias + 1u] = s1;
    partials[bias + 2u] = vec4(s2, 0.0, 0.0);
    return;
  }
  var a0 = vec4(0.0); var a1 = vec4(0.0); var a2 = vec4(0.0); var a3 = vec4(0.0); var a4 = vec4(0.0);
  var a5 = vec4(0.0); var a6 = vec4(0.0); var a7 = vec4(0.0); var a8 = vec4(0.0); var a9 = vec4(0.0);
  for (var i = first; i < end; i++) {
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
  let w = base + k;
  partials[w] = a0;
  partials[w + ROW_WORDS] = a1;
  partials[w + 2u * ROW_WORDS] = a2;
  partials[w + 3u * ROW_WORDS] = a3;
  partials[w + 4u * ROW_WORDS] = a4;
  partials[w + 5u * ROW_WORDS] = a5;
  partials[w + 6u * ROW_WORDS] = a6;
  partials[w + 7u * ROW_WORDS] = a7;
  partials[w + 8u * ROW_WORDS] = a8;
  partials[w + 9u * ROW_WORDS] = a9;
}
