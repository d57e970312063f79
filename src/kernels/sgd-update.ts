/**
 * Plain SGD as shaders/update.wgsl runs it for a single model. Kept only for bench/kernel-bench.ts,
 * which imports it: new code takes updateKernel (src/kernels/update.ts).
 */
import { SGD } from '../optim/optimizer';
import { updateKernel } from './update';

export const sgdUpdateKernel = updateKernel(1, SGD);
