// momentum_update.wgsl: SGD with momentum, heavy-ball or Nesterov (as in PyTorch):
//
//   v = μ·v + g;   heavy ball: p -= lr · v;   Nesterov: p -= lr · (g + μ·v)
//
//   rates   (S) vec4: (lr, c1, c2, 0) per update of the epoch; this one's is rates[batch.index]
//   grads, velocity, params  (P) f32; velocity starts at 0 and is kept between updates
// Dispatch: ceil(P / WORKGROUP_SIZE) workgroups, one thread per parameter.

override WORKGROUP_SIZE: u32 = 64u;
override MOMENTUM: f32 = 0.9;
override NESTEROV: bool = false;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> rates: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(4) var<storage, read_write> params: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= arrayLength(&params)) { return; }
  let g = grads[p];
  let v = MOMENTUM * velocity[p] + g;
  velocity[p] = v;
  let step = select(v, g + MOMENTUM * v, NESTEROV);
  params[p] -= rates[batch.index].x * step;
}
