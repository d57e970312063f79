// gradient_reduce.wgsl: second half of the split-K gradient: grads = Σ_q partials[q] / B.
//
//   partials (Q, P/4) vec4 from gradient.wgsl with CHUNK > 0, Q = ceil(B / CHUNK); with
//            SLOTS > 0, Q = SLOTS whatever B (gradient_blocked.wgsl's PHASES slots)
//   grads    (P/4) vec4, the params layout, P/4 = C·ROW_WORDS + 3
// Element j is added over every chunk in chunk order, by thread j mod T (T threads in all): one
// element per thread on a GPU, many on a software adapter; deterministic either way.
// Dispatch: up to ceil((C·ROW_WORDS + 3) / WORKGROUP_SIZE) workgroups (fewer on a software
// adapter: src/kernels/kernel.ts, elementwiseWorkgroups), independent of the batch size.

override WORKGROUP_SIZE: u32 = 64u;
override ROW_WORDS: u32 = 196u;
override CHUNK: u32 = 256u;
override SLOTS: u32 = 0u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> partials: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> grads: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let vecs = CLASSES * ROW_WORDS + 3u;
  let chunks = select((batch.size + CHUNK - 1u) / CHUNK, SLOTS, SLOTS > 0u);
  for (var j = gid.x; j < vecs; j += groups.x * WORKGROUP_SIZE) {
    var s = vec4(0.0);
    for (var q = 0u; q < chunks; q++) { s += partials[q * vecs + j]; }
    grads[j] = s * batch.inv_size;
  }
}
