// prelude.wgsl: the declarations every kernel shares. It is not a kernel: the shader loader
// compiles each kernel as this file followed by the kernel's own (src/device/shader-source.ts),
// and a compile error names the file and line it comes from.

const CLASSES: u32 = 10u;

// The per-step uniform (src/kernels/kernel.ts, writeBatchUniform; 32 bytes bound): the batch is
// examples order[start .. start + size), lr the plan's base rate, inv_size = 1 / size, and index
// the step's place in the epoch's plan (its row in the rate table).
struct Batch { start: u32, size: u32, lr: f32, inv_size: f32, index: u32 }
