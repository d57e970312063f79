// prelude.wgsl: the declarations every kernel shares. It is not a kernel: the shader loader
// compiles each kernel as this file followed by the kernel's own (src/device/shader-source.ts),
// and a compile error names the file and line it comes from.

const CLASSES: u32 = 10u;

// The per-step uniform (src/kernels/kernel.ts, writeBatchUniform; 32 bytes bound): the batch is
// examples order[start .. start + size), inv_size = 1 / size, and index the step's place in the
// epoch's plan (its rows in the rate table).
struct Batch { start: u32, size: u32, inv_size: f32, index: u32 }

// Softmax of a row z of C logits, passed as (z0..z3), (z4..z7), (z8, z9): its max m is
// subtracted before exp so that large logits cannot overflow, softmax(z)_c = exp(z_c - m) / sum,
// sum = Σ_c exp(z_c - m) added in class order. Vectors, not an array: dynamically indexed
// private arrays are slow on SwiftShader.
struct Softmax { m: f32, sum: f32 }

fn softmax_of(z0: vec4<f32>, z1: vec4<f32>, z2: vec2<f32>) -> Softmax {
  let m = max(max(max(max(max(max(max(max(max(z0.x, z0.y), z0.z), z0.w), z1.x), z1.y), z1.z), z1.w), z2.x), z2.y);
  let e0 = exp(z0 - m);
  let e1 = exp(z1 - m);
  let e2 = exp(z2 - m);
  return Softmax(m, e0.x + e0.y + e0.z + e0.w + e1.x + e1.y + e1.z + e1.w + e2.x + e2.y);
}

// The cross-entropy of class y, -log softmax(z)_y = log(sum) - (z_y - m).
fn cross_entropy(s: Softmax, z_y: f32) -> f32 {
  return log(s.sum) - (z_y - s.m);
}
