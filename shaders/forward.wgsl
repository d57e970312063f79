// forward.wgsl: logits = X·Wᵀ + b for one batch, for K models at once (a sweep; a run is K = 1).
//
// Shapes (C = 10 classes, D = 4·ROW_WORDS features, K = MODELS):
//   images  (N, D) bytes, packed 4 per u32, read as byte / 255
//   order   (N) u32: row i of the batch is example order[batch.start + i]
//   params  K models, model k at params[k·STRIDE ..] (vec4s), each W (C, D) then b (C): W row c
//           is the ROW_WORDS vec4s at c·ROW_WORDS, b the 3 vec4s after W (last two lanes padding);
//           STRIDE is the model's size rounded up to 256 bytes, so one model can be bound alone
//   logits  (B, K, C) f32, B = batch.size
// Thread t is example i = t / K of model k = t % K: neighbouring threads read the same image row,
// once from memory for all the models. Ten separate accumulators rather than an array:
// dynamically indexed private arrays are slow on SwiftShader.
// Dispatch: ceil(B·K / WORKGROUP_SIZE) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 1968u; // vec4s per model

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> logits: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x / MODELS;
  let k = gid.x % MODELS;
  if (i >= batch.size) { return; }
  let row = order[batch.start + i] * ROW_WORDS;
  let w = k * STRIDE;
  var a0 = 0.0; var a1 = 0.0; var a2 = 0.0; var a3 = 0.0; var a4 = 0.0;
  var a5 = 0.0; var a6 = 0.0; var a7 = 0.0; var a8 = 0.0; var a9 = 0.0;
  for (var j = 0u; j < ROW_WORDS; j++) {
    let x = unpack4x8unorm(images[row + j]);
    a0 += dot(x, params[w + j]);
    a1 += dot(x, params[w + ROW_WORDS + j]);
    a2 += dot(x, params[w + 2u * ROW_WORDS + j]);
    a3 += dot(x, params[w + 3u * ROW_WORDS + j]);
    a4 += dot(x, params[w + 4u * ROW_WORDS + j]);
    a5 += dot(x, params[w + 5u * ROW_WORDS + j]);
    a6 += dot(x, params[w + 6u * ROW_WORDS + j]);
    a7 += dot(x, params[w + 7u * ROW_WORDS + j]);
    a8 += dot(x, params[w + 8u * ROW_WORDS + j]);
    a9 += dot(x, params[w + 9u * ROW_WORDS + j]);
  }
  let bias = w + CLASSES * ROW_WORDS;
  let b0 = params[bias];
  let b1 = params[bias + 1u];
  let b2 = params[bias + 2u];
  let out = (i * MODELS + k) * CLASSES;
  logits[out] = a0 + b0.x;
  logits[out + 1u] = a1 + b0.y;
  logits[out + 2u] = a2 + b0.z;
  logits[out + 3u] = a3 + b0.w;
  logits[out + 4u] = a4 + b1.x;
  logits[out + 5u] = a5 + b1.y;
  logits[out + 6u] = a6 + b1.z;
  logits[out + 7u] = a7 + b1.w;
  logits[out + 8u] = a8 + b2.x;
  logits[out + 9u] = a9 + b2.y;
}
