// stacked_forward.wgsl: forward.wgsl for K models at once (a sweep): logits of every model for
// every example of the batch, in one dispatch.
//
//   params  K models, model k at params[k·STRIDE ..] (vec4s), each laid out as in forward.wgsl;
//           STRIDE is the model's size rounded up to 256 bytes, so one model can be bound alone
//   logits  (B, K, C) f32
// Thread t is example i = t / MODELS of model k = t % MODELS: neighbouring threads read the same
// image row, once from memory for all the models.
// Dispatch: ceil(B·MODELS / WORKGROUP_SIZE) workgroups.

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
