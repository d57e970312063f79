// update.wgsl: one optimiser update of K models at once, each with its own rule and rate (a
// sweep; a single run is K = 1).
//
//   sgd       p -= lr·g
//   momentum  v = μ·v + g;  p -= lr·v                  (heavy ball, as in PyTorch; s1 = v)
//   nesterov  v = μ·v + g;  p -= lr·(g + μ·v)                                    (s1 = v)
//   adam      m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= lr·(m·c1) / (sqrt(v·c2) + ε)
//             c1 = 1/(1-β1ᵗ), c2 = 1/(1-β2ᵗ) for update t, in float64 on the host  (s1 = m, s2 = v)
//   rmsprop   v = β2·v + (1-β2)·g²;  p -= lr·g / (sqrt(v) + ε)     (Hinton; PyTorch's, α = β2; s1 = v)
//
//   kinds   (K) u32: each model's rule (a KIND_ code below; the host's table: updateCode in
//           src/kernels/update.ts, the kind's place in OPTIMIZER_KINDS); not read for a single
//           model with its rule compiled in (KIND), the common case
//   rates   (S·K) vec4 per update of the epoch and model: (lr, c1, c2, 0), model k's scheduled
//           rate (computed in float64 on the host) and Adam's corrections at rates[batch.index·K + k]
//   grads, params, s1, s2   f32, model k at k·STRIDE; s1, s2 are the rule's state, kept between
//           updates and starting at 0 (a rule without state never touches them)
// Dispatch: up to ceil(K·STRIDE / WORKGROUP_SIZE) workgroups (one thread per parameter), fewer on
// a software adapter.

override WORKGROUP_SIZE: u32 = 64u;
override STRIDE: u32 = 7872u; // f32 per model
override MOMENTUM: f32 = 0.9;
override BETA1: f32 = 0.9;
override BETA2: f32 = 0.999;
// 1 - β, computed on the host in float64: in f32, 1 - 0.999 keeps only 4 significant digits
override ONE_MINUS_BETA1: f32 = 0.1;
override ONE_MINUS_BETA2: f32 = 0.001;
override EPSILON: f32 = 1e-8;

const KIND_SGD: u32 = 0u;
const KIND_MOMENTUM: u32 = 1u;
const KIND_NESTEROV: u32 = 2u;
const KIND_ADAM: u32 = 3u;
const KIND_RMSPROP: u32 = 4u;
const MIXED: u32 = 0xffffffffu;
// The rule of every model when they share one, compiled in (the switch folds to one case); MIXED:
// each model's own, from the table. A rule read from memory is not known to be uniform, so a
// software adapter runs every case masked: 5x the time of one on SwiftShader.
override KIND: u32 = MIXED;
override MODELS: u32 = 1u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> rates: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> kinds: array<u32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> s1: array<f32>;
@group(0) @binding(5) var<storage, read_write> s2: array<f32>;
@group(0) @binding(6) var<storage, read_write> params: array<f32>;

// Thread t updates parameters t, t + T, t + 2T, .. (T threads in all: the dispatch's): one each
// on a GPU, many on a software adapter (src/kernels/kernel.ts, elementwiseWorkgroups).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var p = gid.x; p < arrayLength(&params); p += groups.x * WORKGROUP_SIZE) { update_one(p); }
}

/** Parameter p's update (model p / STRIDE's rule and rate). */
fn update_one(p: u32) {
  let k = p / STRIDE;
  let r = rates[batch.index * MODELS + k];
  let lr = r.x;
  // one rule for all: compiled in; else each model's own, from the table
  var kind = KIND;
  if (KIND == MIXED) { kind = kinds[k]; }
  let g = grads[p];
  switch kind {
    case KIND_SGD: {
      params[p] -= lr * g;
    }
    case KIND_MOMENTUM, KIND_NESTEROV: {
      let v = MOMENTUM * s1[p] + g;
      s1[p] = v;
      params[p] -= lr * select(v, g + MOMENTUM * v, kind == KIND_NESTEROV);
    }
    case KIND_ADAM: {
      let m1 = BETA1 * s1[p] + ONE_MINUS_BETA1 * g;
      let v1 = BETA2 * s2[p] + ONE_MINUS_BETA2 * g * g;
      s1[p] = m1;
      s2[p] = v1;
      params[p] -= lr * (m1 * r.y) / (sqrt(v1 * r.z) + EPSILON);
    }
    case KIND_RMSPROP: {
      let v = BETA2 * s1[p] + ONE_MINUS_BETA2 * g * g;
      s1[p] = v;
      params[p] -= lr * g / (sqrt(v) + EPSILON);
    }
    // every kind of OPTIMIZER_KINDS has its case; update.test.ts checks each against the reference
    default: {}
  }
}
