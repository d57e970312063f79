// adam_update.wgsl: Adam (Kingma & Ba), with bias correction:
//
//   m = β1·m + (1-β1)·g;   v = β2·v + (1-β2)·g²;   p -= lr · (m·c1) / (sqrt(v·c2) + ε)
//
//   rates   (S) vec4: (lr, c1, c2, 0) per update of the epoch; this one's is rates[batch.index],
//           c1 = 1/(1-β1ᵗ), c2 = 1/(1-β2ᵗ) for the update's number t over the whole run, computed
//           on the host in float64 (β2ᵗ in f32 would lose the correction's precision)
//   grads, m, v, params  (P) f32; m and v start at 0 and are kept between updates
// Dispatch: ceil(P / WORKGROUP_SIZE) workgroups, one thread per parameter.

override WORKGROUP_SIZE: u32 = 64u;
override BETA1: f32 = 0.9;
override BETA2: f32 = 0.999;
// 1 - β, computed on the host in float64: in f32, 1 - 0.999 keeps only 4 significant digits
override ONE_MINUS_BETA1: f32 = 0.1;
override ONE_MINUS_BETA2: f32 = 0.001;
override EPSILON: f32 = 1e-8;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> rates: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> params: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= arrayLength(&params)) { return; }
  let g = grads[p];
  let m1 = BETA1 * m[p] + ONE_MINUS_BETA1 * g;
  let v1 = BETA2 * v[p] + ONE_MINUS_BETA2 * g * g;
  m[p] = m1;
  v[p] = v1;
  let r = rates[batch.index];
  params[p] -= r.x * (m1 * r.y) / (sqrt(v1 * r.z) + EPSILON);
}
