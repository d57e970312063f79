// gradient_blocked.wgsl: the gradient's partial sums by register blocks, for software adapters
// (SwiftShader: every non-constant buffer index is a per-lane gather, so each loaded value must
// be used many times from registers). On a GPU its reads are uncoalesced (neighbouring threads
// read different rows) and its accumulators spill: gradient.wgsl and split-K are the kernels there.
//
//   partials (PHASES, P/4) vec4, each slot in the params layout (dW (C, ROW_WORDS) vec4, then db
//            in 3 vec4, 2 lanes padding): slot p = Σ over batch rows i ≡ p (mod PHASES), in
//            increasing i, of dlogits[i]ᵀ·[x_i 1], not divided by B. A phase with no rows writes 0.
//   images (N, D) bytes packed 4 per u32, row i of the batch is example order[batch.start + i];
//   dlogits (B, C) f32. One model (K = 1).
// gradient_reduce.wgsl with SLOTS = PHASES then adds the slots in order and divides by B:
// deterministic, no atomics.
// Thread t owns feature words w0 .. w0 + W of block t % blocks (W = the repeat count of #w,
// w0 = W·(t % blocks), blocks = ceil(ROW_WORDS / W)) for all ten classes (repeat count of #c):
// W·C vec4 accumulators, named a<word>_<class>; it walks rows p, p + PHASES, .. of phase
// p = t / blocks, R of them per pass (the repeat count of #r). Block 0 also sums db. Words past
// ROW_WORDS repeat the last, unwritten.
// Dispatch: ceil(blocks·PHASES / WORKGROUP_SIZE) workgroups, independent of the batch size.

override WORKGROUP_SIZE: u32 = 16u;
override ROW_WORDS: u32 = 196u;
override PHASES: u32 = 32u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let blocks = (ROW_WORDS + #Wu - 1u) / #Wu;
  let block = gid.x % blocks;
  let phase = gid.x / blocks;
  if (phase >= PHASES) { return; }
  let w0 = block * #Wu;
  let k#w = min(w0 + #wu, ROW_WORDS - 1u);
  var a#w_#c = vec4(0.0);
  var s#c = 0.0;
  // R rows per pass (#r), added to each accumulator one after another: the same operations in
  // the same order as one row per pass, with the accumulators' loads and stores (they spill on
  // SwiftShader: W·C vec4 are far more than a CPU's registers) paid once per R rows
  var i = phase;
  for (; i + (#Ru - 1u) * PHASES < batch.size; i += #Ru * PHASES) {
    let row#r = order[batch.start + i + #ru * PHASES] * ROW_WORDS;
    let d#r_#c = dlogits[(i + #ru * PHASES) * CLASSES + #cu];
    let x#r_#w = unpack4x8unorm(images[row#r + k#w]);
    a#w_#c += d#r_#c * x#r_#w;
    s#c += d#r_#c;
  }
  // the phase's last rows, fewer than R
  for (; i < batch.size; i += PHASES) {
    let row = order[batch.start + i] * ROW_WORDS;
    let g = i * CLASSES;
    // the loads first, then the multiply-adds
    let d#c = dlogits[g + #cu];
    let x#w = unpack4x8unorm(images[row + k#w]);
    a#w_#c += d#c * x#w;
    s#c += d#c;
  }
  let base = phase * (CLASSES * ROW_WORDS + 3u);
  if (w0 + #wu < ROW_WORDS) { partials[base + #cu * ROW_WORDS + w0 + #wu] = a#w_#c; }
  if (block == 0u) {
    let b = base + CLASSES * ROW_WORDS;
    partials[b] = vec4(s0, s1, s2, s3);
    partials[b + 1u] = vec4(s4, s5, s6, s7);
    partials[b + 2u] = vec4(s8, s9, 0.0, 0.0);
  }
}
