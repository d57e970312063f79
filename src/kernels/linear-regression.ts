/**
 * Host side of the linear-regression kernels (--task regression): linear_forward.wgsl,
 * squared_error.wgsl, linear_gradient.wgsl. CPU references: src/reference/linear-regression.ts,
 * and for K stacked configurations src/reference/stacked.ts. The update is update.wgsl: it works
 * on any parameter array. Each kernel takes K models at modelStride (K = 1: a single run).
 */
import { type RegressionLoss, lossFactor } from '../data/regression';
import { type Kernel, modelStride } from './kernel';

const WORKGROUP_SIZE = 64;

/** The most rows one model's forward pass covers in `workgroups` workgroups (one thread a row). */
export const linearForwardRows = (workgroups: number): number => workgroups * WORKGROUP_SIZE;

export function stackedLinearForwardKernel(models: number): Kernel {
  return {
    name: 'linear_forward',
    file: 'linear_forward.wgsl',
    // batch, features, order, params, pred
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, FEATURES: layout.features, MODELS: models, STRIDE: modelStride(layout) }),
    // one thread per (example, model)
    workgroups: (rows) => Math.ceil((rows * models) / WORKGROUP_SIZE),
  };
}

/** K models whose losses sit `rows` apart (the training set's size; unused for K = 1), of half-mse or mse. */
export function stackedSquaredErrorKernel(models: number, rows: number, loss: RegressionLoss = 'half-mse'): Kernel {
  return {
    name: 'squared_error',
    file: 'squared_error.wgsl',
    // batch, pred, targets, order, residual, loss
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
    constants: () => ({ WORKGROUP_SIZE, MODELS: models, ROWS: rows, LOSS_FACTOR: lossFactor(loss) }),
    workgroups: (batch) => Math.ceil((batch * models) / WORKGROUP_SIZE),
  };
}

/** Without an intercept the bias's gradient is 0, so every optimiser leaves b where it started. */
export function stackedLinearGradientKernel(models: number, intercept = true): Kernel {
  return {
    name: 'linear_gradient',
    file: 'linear_gradient.wgsl',
    // batch, features, order, residual, grads
    bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
    constants: (layout) => ({ WORKGROUP_SIZE, FEATURES: layout.features, MODELS: models, STRIDE: modelStride(layout), INTERCEPT: intercept ? 1 : 0 }),
    // one thread per parameter of each model's stride (a single model's shorter array: the rest exit)
    workgroups: (_rows, layout) => Math.ceil((models * modelStride(layout)) / WORKGROUP_SIZE),
  };
}

export const linearForwardKernel = stackedLinearForwardKernel(1);
export const squaredErrorKernel = stackedSquaredErrorKernel(1, 0);
export const linearGradientKernel = stackedLinearGradientKernel(1);
