/**
 * Host side of the linear-regression kernels (--task regression): linear_forward.wgsl,
 * squared_error.wgsl, linear_gradient.wgsl. CPU references: src/reference/linear-regression.ts.
 * The updates are the classifier's update kernels: they work on any parameter array.
 */
import type { Kernel } from './kernel';

const WORKGROUP_SIZE = 64;
const perExample = (rows: number) => Math.ceil(rows / WORKGROUP_SIZE);

export const linearForwardKernel: Kernel = {
  name: 'linear_forward',
  file: 'linear_forward.wgsl',
  // batch, features, order, params, pred
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE, FEATURES: layout.features }),
  workgroups: perExample,
};

export const squaredErrorKernel: Kernel = {
  name: 'squared_error',
  file: 'squared_error.wgsl',
  // batch, pred, targets, order, residual, loss
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write', 'read-write'],
  constants: () => ({ WORKGROUP_SIZE }),
  workgroups: perExample,
};

export const linearGradientKernel: Kernel = {
  name: 'linear_gradient',
  file: 'linear_gradient.wgsl',
  // batch, features, order, residual, grads
  bindings: ['uniform-dynamic', 'read', 'read', 'read', 'read-write'],
  constants: (layout) => ({ WORKGROUP_SIZE, FEATURES: layout.features }),
  workgroups: (_rows, layout) => Math.ceil(layout.paddedCount / WORKGROUP_SIZE),
};
