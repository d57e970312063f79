// sgd_fused.wgsl: many small-batch SGD steps in one dispatch, run by a single workgroup.
//
// For each step s in [run.first, run.first + run.count), with B = run.batch and N = run.rows:
//   the batch is rows order[s·B .. s·B + size), size = min(B, N - s·B)
//   logits = X·Wᵀ + b;  dlogits = (softmax(logits) - onehot) / size;  params -= lr · dlogitsᵀ·[X 1]
//   with step s's scheduled rate lr = rates[s].x (plain SGD only: no optimiser state)
// the arithmetic of forward → softmax_xent → gradient → update (SGD), without their four launches
// per step: for SGD the launches, not the arithmetic, are the cost (see bench/results).
// Phases are separated by barriers inside the one workgroup, so no step sees a half-updated W:
//   1. logit j = (j / C, j % C) for j < size·C is computed in full by thread j % WORKGROUP_SIZE;
//      or, with LOGIT_THREADS = L > 1, by L threads at once: thread j·L + p sums words
//      [p·⌈D/4L⌉, (p+1)·⌈D/4L⌉) into partial[j·L + p], and thread j adds the L partials in order
//      (a GPU-shaped split: at batch 1 one thread per logit leaves 246 of 256 threads idle)
//   2. example i < size's logits become dlogits in thread i % WORKGROUP_SIZE, and its loss is
//      stored at its epoch position, loss[s·B + i], as softmax_xent does
//   3. feature word k < ROW_WORDS of every class is updated by thread k % WORKGROUP_SIZE, and the
//      bias by thread ROW_WORDS % WORKGROUP_SIZE
// Any WORKGROUP_SIZE works; it is tuned per adapter (fewer threads make barriers cheaper on a
// CPU implementation, more give a GPU parallelism). LOGIT_THREADS is 1 for the small workgroups
// that win on SwiftShader (the arithmetic of forward.wgsl exactly) and WORKGROUP_SIZE / (B·C) for
// the 256-thread variant meant for GPUs (src/kernels/sgd-fused.ts); L·size·C <= WORKGROUP_SIZE.
// Every sum runs in a fixed order: deterministic.
// Shapes: images (N, D) bytes packed 4 per u32; order, labels (N) u32; loss (N) f32;
// params as in forward.wgsl.
// Dispatch: exactly 1 workgroup; B <= MAX_BATCH.

const MAX_BATCH: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;
override ROW_WORDS: u32 = 196u;
override LOGIT_THREADS: u32 = 1u;

struct Run { first: u32, count: u32, batch: u32, rows: u32 }

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> params: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;
@group(0) @binding(6) var<storage, read> rates: array<vec4<f32>>;

var<workgroup> logits: array<f32, 160>; // MAX_BATCH · CLASSES
var<workgroup> dl: array<f32, 160>;
var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

/** Σ_k x_k·W[c, k] over words [first, end) of example row `row` (bytes / 255), in word order. */
fn row_dot(row: u32, c: u32, first: u32, end: u32) -> f32 {
  var acc = 0.0;
  for (var k = first; k < end; k++) { acc += dot(unpack4x8unorm(images[row + k]), params[c * ROW_WORDS + k]); }
  return acc;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) t: u32) {
  let bias = CLASSES * ROW_WORDS;
  for (var s = run.first; s < run.first + run.count; s++) {
    let start = s * run.batch;
    let size = min(run.batch, run.rows - start);
    let lr = rates[s].x;
    if (LOGIT_THREADS == 1u) {
      for (var j = t; j < size * CLASSES; j += WORKGROUP_SIZE) {
        let c = j % CLASSES;
        logits[j] = row_dot(order[start + j / CLASSES] * ROW_WORDS, c, 0u, ROW_WORDS) + params[bias + c / 4u][c % 4u];
      }
    } else {
      let j = t / LOGIT_THREADS;
      let part = (ROW_WORDS + LOGIT_THREADS - 1u) / LOGIT_THREADS;
      if (j < size * CLASSES) {
        let first = min((t % LOGIT_THREADS) * part, ROW_WORDS);
        partial[t] = row_dot(order[start + j / CLASSES] * ROW_WORDS, j % CLASSES, first, min(first + part, ROW_WORDS));
      }
      workgroupBarrier();
      if (t < size * CLASSES) {
        var acc = 0.0;
        for (var p = 0u; p < LOGIT_THREADS; p++) { acc += partial[t * LOGIT_THREADS + p]; }
        let c = t % CLASSES;
        logits[t] = acc + params[bias + c / 4u][c % 4u];
      }
    }
    workgroupBarrier();
    for (var e = t; e < size; e += WORKGROUP_SIZE) {
      let r = e * CLASSES;
      let sm = softmax_of(vec4(logits[r], logits[r + 1u], logits[r + 2u], logits[r + 3u]),
                          vec4(logits[r + 4u], logits[r + 5u], logits[r + 6u], logits[r + 7u]),
                          vec2(logits[r + 8u], logits[r + 9u]));
      let y = labels[order[start + e]];
      loss[start + e] = cross_entropy(sm, logits[r + y]);
      for (var c = 0u; c < CLASSES; c++) {
        dl[r + c] = (exp(logits[r + c] - sm.m) / sm.sum - select(0.0, 1.0, c == y)) / f32(size);
      }
    }
    workgroupBarrier();
    for (var k = t; k < ROW_WORDS; k += WORKGROUP_SIZE) {
      for (var c = 0u; c < CLASSES; c++) {
        var g = vec4(0.0);
        for (var i = 0u; i < size; i++) { g += dl[i * CLASSES + c] * unpack4x8unorm(images[order[start + i] * ROW_WORDS + k]); }
        params[c * ROW_WORDS + k] -= lr * g;
      }
    }
    if (t == ROW_WORDS % WORKGROUP_SIZE) {
      var g0 = vec4(0.0); var g1 = vec4(0.0); var g2 = vec2(0.0);
      for (var i = 0u; i < size; i++) {
        let r = i * CLASSES;
        g0 += vec4(dl[r], dl[r + 1u], dl[r + 2u], dl[r + 3u]);
        g1 += vec4(dl[r + 4u], dl[r + 5u], dl[r + 6u], dl[r + 7u]);
        g2 += vec2(dl[r + 8u], dl[r + 9u]);
      }
      params[bias] -= lr * g0;
      params[bias + 1u] -= lr * g1;
      params[bias + 2u] -= lr * vec4(g2, 0.0, 0.0);
    }
    // the next step's forward pass must see this step's parameters
    storageBarrier();
    workgroupBarrier();
  }
}
