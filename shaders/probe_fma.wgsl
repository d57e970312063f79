// probe_fma.wgsl: not a training kernel: the adapter's multiply-add ceiling, which the kernel
// benchmark (src/measure/kernels.ts) reports each kernel as a fraction of. Each thread updates
// A vec4 accumulators U times per loop pass (a = a·m + c, independent chains: repeat counts of
// #a and #u, src/device/shader-source.ts), PASSES passes, then writes their sum so that nothing
// is optimised away: 8·A·U·PASSES flops per thread.
//   sink (threads) vec4 f32
// Dispatch: any number of workgroups; the benchmark uses THREADS / WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32 = 16u;
override PASSES: u32 = 1024u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seed = f32(gid.x) * 1e-6 + batch.inv_size;
  var a#a = vec4(seed + f32(#a));
  let m#u = vec4(0.9999 - f32(#u) * 1e-6);
  let c = vec4(1e-4);
  for (var p = 0u; p < PASSES; p++) {
    { let m = m#u; a#a = a#a * m + c; }
  }
  var s = vec4(0.0);
  s += a#a;
  sink[gid.x] = s;
}
