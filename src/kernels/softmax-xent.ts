/** Host side of shaders/softmax_xent.wgsl (CPU references: src/reference/softmax-xent.ts, stacked.ts). */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;

/** The kernel for `models` models (a sweep) whose losses sit `rows` apart; 1 is a single run. */
export function stackedSoftmaxXentKernel(models: number, rows: number): Kernel {
  return {
    name: 'softmax_xent',
    file: 'softmax_xent.wgsl',
    // batch, logits, labels, order, loss, dlogits
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
    constants: () => ({ WORKGROUP_SIZE, MODELS: models, ROWS: rows }),
    // one thread per (example, model)
    workgroups: (batch) => Math.ceil((batch * models) / WORKGROUP_SIZE),
  };
}

export const softmaxXentKernel = stackedSoftmaxXentKernel(1, 0);
