// forward.wgsl: logits = X·Wᵀ + b for one batch (a batched matrix-vector product).
//
// Shapes (C = 10 classes, D = 4·ROW_WORDS features):
//   images  (N, D) bytes, packed 4 per u32, read as byte / 255
//   order   (N) u32: row i of the batch is example order[batch.start + i]
//   params  W (C, D) then b (C), as vec4<f32>: W row c is params[c·ROW_WORDS ..], b is the
//           3 vec4s after W (the last two lanes are padding)
//   logits  (B, C) f32, B = batch.size
// Dispatch: ceil(B / WORKGROUP_SIZE) workgroups, one thread per example. Ten separate
// accumulators rather than an array: dynamically indexed private arrays are slow on SwiftShader.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> logits: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= batch.size) { return; }
  let row = order[batch.start + i] * ROW_WORDS;
  var a0 = 0.0; var a1 = 0.0; var a2 = 0.0; var a3 = 0.0; var a4 = 0.0;
  var a5 = 0.0; var a6 = 0.0; var a7 = 0.0; var a8 = 0.0; var a9 = 0.0;
  for (var k = 0u; k < ROW_WORDS; k++) {
    let x = unpack4x8unorm(images[row + k]);
    a0 += dot(x, params[k]);
    a1 += dot(x, params[ROW_WORDS + k]);
    a2 += dot(x, params[2u * ROW_WORDS + k]);
    a3 += dot(x, params[3u * ROW_WORDS + k]);
    a4 += dot(x, params[4u * ROW_WORDS + k]);
    a5 += dot(x, params[5u * ROW_WORDS + k]);
    a6 += dot(x, params[6u * ROW_WORDS + k]);
    a7 += dot(x, params[7u * ROW_WORDS + k]);
    a8 += dot(x, params[8u * ROW_WORDS + k]);
    a9 += dot(x, params[9u * ROW_WORDS + k]);
  }
  let bias = CLASSES * ROW_WORDS;
  let b0 = params[bias];
  let b1 = params[bias + 1u];
  let b2 = params[bias + 2u];
  let out = i * CLASSES;
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
