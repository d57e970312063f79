// evaluate.wgsl: loss and confusion matrix of a model on a set of examples, from its logits.
//
//   logits     (B, C) f32, row i is example order[batch.start + i]
//   labels     (N) u32
//   loss_sums  (ceil(B / WORKGROUP_SIZE)) f32: each workgroup's sum of cross-entropy losses,
//              reduced in a fixed tree order so the result is deterministic
//   confusion  (C, C) u32, [true][predicted], counts added with atomics (integers: order-free)
// Prediction is the first class with the largest logit (argmax, ties to the lower index).
// Dispatch: ceil(B / WORKGROUP_SIZE) workgroups; WORKGROUP_SIZE must be a power of two.

override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> loss_sums: array<f32>;
@group(0) @binding(5) var<storage, read_write> confusion: array<atomic<u32>>;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3<u32>) {
  let i = gid.x;
  var loss = 0.0;
  if (i < batch.size) {
    let row = i * CLASSES;
    let s = softmax_of(vec4(logits[row], logits[row + 1u], logits[row + 2u], logits[row + 3u]),
                       vec4(logits[row + 4u], logits[row + 5u], logits[row + 6u], logits[row + 7u]),
                       vec2(logits[row + 8u], logits[row + 9u]));
    var predicted = 0u;
    for (var c = 1u; c < CLASSES; c++) {
      if (logits[row + c] > logits[row + predicted]) { predicted = c; }
    }
    let y = labels[order[batch.start + i]];
    loss = cross_entropy(s, logits[row + y]);
    atomicAdd(&confusion[y * CLASSES + predicted], 1u);
  }
  partial[lid] = loss;
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
  }
  if (lid == 0u) { loss_sums[wid.x] = partial[0]; }
}
