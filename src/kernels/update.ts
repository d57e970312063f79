/**
 * Host side of shaders/update.wgsl, every optimiser's update in one kernel (CPU reference:
 * src/reference/update.ts). A single run is one model; a sweep stacks K models at modelStride,
 * each with its rule (the kinds table) and its rates (the epoch's rate table, src/optim/rates.ts).
 * Adding an optimiser: a code here, a `case` in update.wgsl, a rule in the reference.
 */
import type { ParamLayout } from '../model';
import { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from '../optim/optimizer';
import { type Kernel, elementwiseWorkgroups, modelStride } from './kernel';

const WORKGROUP_SIZE = 64;

/** Each rule's code in the models table: its position in OPTIMIZER_KINDS (the KIND_ constants of update.wgsl). */
export function updateCode(kind: OptimizerKind): number {
  return OPTIMIZER_KINDS.indexOf(kind);
}

/** update.wgsl's KIND when the models' rules differ: each reads its own from the table. */
const MIXED = 0xffffffff;

/**
 * The kernel for `models` models; μ, β1, β2 and ε are compiled in, shared by the models, and so is
 * the rule when `kind` names the one they all share (undefined: mixed, read per model). `software`:
 * the adapter is one (elementwiseWorkgroups).
 */
export function updateKernel(models: number, o: Pick<Optimizer, 'momentum' | 'beta1' | 'beta2' | 'epsilon'>, kind: OptimizerKind | undefined, software: boolean): Kernel {
  return {
    name: 'update',
    file: 'update.wgsl',
    // batch (for its index), rates, kinds, grads, s1, s2, params
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write', 'read-write'],
    constants: (layout) => ({
      WORKGROUP_SIZE, STRIDE: modelStride(layout), MOMENTUM: o.momentum, BETA1: o.beta1, BETA2: o.beta2,
      ONE_MINUS_BETA1: 1 - o.beta1, ONE_MINUS_BETA2: 1 - o.beta2, EPSILON: o.epsilon, KIND: kind === undefined ? MIXED : updateCode(kind), MODELS: models,
    }),
    // one thread per parameter on a GPU, a few workgroups on a software adapter (grid-stride)
    workgroups: (_rows, layout: ParamLayout) => elementwiseWorkgroups(models * modelStride(layout), WORKGROUP_SIZE, software),
  };
}

/** The kinds table update.wgsl reads when the models' rules differ: each model's rule code. */
export function kindTable(kinds: readonly OptimizerKind[]): Uint32Array {
  return Uint32Array.from(kinds, updateCode);
}
