// stacked_update.wgsl: the update of K models at once, each with its own optimiser and rate.
//
//   models  (K) struct: lr (the model's base rate) and kind (0 sgd, 1 momentum, 2 nesterov, 3 adam)
//   rates   (S) vec4 per update of the epoch: (schedule factor, c1, c2, 0), shared by the models
//           (one schedule and one β1, β2 per sweep); model k's rate is models[k].lr · factor
//   grads, params, s1, s2   K·STRIDE f32 (model k at k·STRIDE); s1 is momentum's velocity or
//           Adam's m, s2 Adam's v; the rules are momentum_update.wgsl's and adam_update.wgsl's
// Dispatch: ceil(MODELS·STRIDE / WORKGROUP_SIZE) workgroups, one thread per parameter.

override WORKGROUP_SIZE: u32 = 64u;
override MODELS: u32 = 1u;
override STRIDE: u32 = 7872u; // f32 per model
override MOMENTUM: f32 = 0.9;
override BETA1: f32 = 0.9;
override BETA2: f32 = 0.999;
override ONE_MINUS_BETA1: f32 = 0.1;
override ONE_MINUS_BETA2: f32 = 0.001;
override EPSILON: f32 = 1e-8;

struct Model { lr: f32, kind: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> rates: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> models: array<Model>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> s1: array<f32>;
@group(0) @binding(5) var<storage, read_write> s2: array<f32>;
@group(0) @binding(6) var<storage, read_write> params: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= MODELS * STRIDE) { return; }
  let model = models[p / STRIDE];
  let r = rates[batch.index];
  let lr = model.lr * r.x;
  let g = grads[p];
  if (model.kind == 0u) {
    params[p] -= lr * g;
  } else if (model.kind == 3u) {
    let m1 = BETA1 * s1[p] + ONE_MINUS_BETA1 * g;
    let v1 = BETA2 * s2[p] + ONE_MINUS_BETA2 * g * g;
    s1[p] = m1;
    s2[p] = v1;
    params[p] -= lr * (m1 * r.y) / (sqrt(v1 * r.z) + EPSILON);
  } else {
    let v = MOMENTUM * s1[p] + g;
    s1[p] = v;
    params[p] -= lr * select(v, g + MOMENTUM * v, model.kind == 2u);
  }
}
