// gradient_reduce.wgsl: second half of the split-K gradient: grads = Σ_q partials[q] / B.
//
//   partials (Q, P/4) vec4 from gradient.wgsl with CHUNK > 0, Q = ceil(B / CHUNK); with
//            SLOTS > 0, Q = SLOTS whatever B (gradient_blocked.wgsl's PHASES slots)
//   grads    (P/4) vec4, the params layout, P/4 = C·ROW_WORDS + 3
// Thread j adds element j of every chunk in chunk order: deterministic.
// Dispatch: ceil((C·ROW_WORDS + 3) / WORKGROUP_SIZE) workgroups, independent of the batch size.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;
override CHUNK: u32 = 256u;
override SLOTS: u32 = 0u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> partials: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> grads: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let vecs = CLASSES * ROW_WORDS + 3u;
  let j = gid.x;
  if (j >= vecs) { return; }
  let chunks = select((batch.size + CHUNK - 1u) / CHUNK, SLOTS, SLOTS > 0u);
  var s = vec4(0.0);
  for (var q = 0u; q < chunks; q++) { s += partials[q * vecs + j]; }
  grads[j] = s * batch.inv_size;
}
