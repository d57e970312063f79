// forward_tiled.wgsl: logits = X·Wᵀ + b, as forward.wgsl, with R rows per thread (a register
// tile): each weight vec4 is loaded once per word and used R times. For software adapters
// (SwiftShader), where every non-constant buffer index is a per-lane gather; on a GPU, R rows of
// accumulators per thread spill and forward.wgsl is the kernel.
//
// Shapes, bindings and the params layout: as forward.wgsl (K = MODELS models at STRIDE vec4s;
// logits (B, K, C)). Each row's logits are summed as forward.wgsl's, a += dot(x, w) word after
// word, then + b: the same f32 operations in the same order, so the same bits (checked on
// SwiftShader: test/kernels/forward-tiled.test.ts).
// R is a repeat count (src/device/shader-source.ts, expandRepeats): a line naming #r is written
// once per row r of the tile; WGSL cannot size private variables with an override. Rows past the
// batch repeat its last row and are not written.
// Thread t is tile t / K of model k = t % K: rows R·(t / K) .. + R.
// Dispatch: ceil(ceil(B / R)·K / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 16u;
override ROW_WORDS: u32 = 196u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 1968u; // vec4s per model

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> logits: array<f32>;

// Row i's logits, classes 0-3, 4-7 and 8-9, when i is in the batch.
fn put(i: u32, k: u32, a: vec4<f32>, b: vec4<f32>, c: vec2<f32>) {
  if (i >= batch.size) { return; }
  let o = (i * MODELS + k) * CLASSES;
  logits[o] = a.x; logits[o + 1u] = a.y; logits[o + 2u] = a.z; logits[o + 3u] = a.w;
  logits[o + 4u] = b.x; logits[o + 5u] = b.y; logits[o + 6u] = b.z; logits[o + 7u] = b.w;
  logits[o + 8u] = c.x; logits[o + 9u] = c.y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let first = (gid.x / MODELS) * #Ru;
  let k = gid.x % MODELS;
  if (first >= batch.size) { return; }
  let w = k * STRIDE;
  let row#r = order[batch.start + min(first + #ru, batch.size - 1u)] * ROW_WORDS;
  // row r's sums of classes 0-3, 4-7, 8-9
  var lo#r = vec4(0.0); var mid#r = vec4(0.0); var hi#r = vec2(0.0);
  for (var j = 0u; j < ROW_WORDS; j++) {
    let v = w + j;
    let w0 = params[v]; let w1 = params[v + ROW_WORDS]; let w2 = params[v + 2u * ROW_WORDS];
    let w3 = params[v + 3u * ROW_WORDS]; let w4 = params[v + 4u * ROW_WORDS]; let w5 = params[v + 5u * ROW_WORDS];
    let w6 = params[v + 6u * ROW_WORDS]; let w7 = params[v + 7u * ROW_WORDS]; let w8 = params[v + 8u * ROW_WORDS];
    let w9 = params[v + 9u * ROW_WORDS];
    // the loads first, then the multiply-adds
    let x#r = unpack4x8unorm(images[row#r + j]);
    lo#r += vec4(dot(x#r, w0), dot(x#r, w1), dot(x#r, w2), dot(x#r, w3));
    mid#r += vec4(dot(x#r, w4), dot(x#r, w5), dot(x#r, w6), dot(x#r, w7));
    hi#r += vec2(dot(x#r, w8), dot(x#r, w9));
  }
  let bias = w + CLASSES * ROW_WORDS;
  let b0 = params[bias];
  let b1 = params[bias + 1u];
  let b2 = params[bias + 2u];
  put(first + #ru, k, lo#r + b0, mid#r + b1, hi#r + b2.xy);
}
