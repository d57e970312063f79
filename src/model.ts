/**
 * The models downhill trains, as data: the softmax classifier and linear regression. A model is
 * its parameter layout, its number of outputs and how its weights file describes them; the
 * engines, the checkpoint and the weights file take one and need no other knowledge of it.
 *
 * The classifier: multinomial logistic regression (linear softmax), logits = W·x + b.
 *
 * Parameters live in one flat f32 array, the layout every kernel and the weights file share:
 *   W (C, D) row-major, then b (C), then zeros up to a multiple of 4 floats (so the GPU can read
 *   the array as vec4). D must be a multiple of 4: images are packed 4 bytes per u32 word.
 */
import { UserError } from './errors';

export const CLASSES = 10;
export const IMAGE_SIDE = 28;
export const IMAGE_FEATURES = IMAGE_SIDE * IMAGE_SIDE;

export interface ParamLayout {
  features: number;
  /** u32 words per image row (features / 4) */
  rowWords: number;
  /** offset of b in the flat array */
  biasOffset: number;
  /** meaningful parameters, C·D + C */
  count: number;
  /** length of the flat array including padding */
  paddedCount: number;
}

export function paramLayout(features: number): ParamLayout {
  if (!Number.isInteger(features) || features <= 0 || features % 4 !== 0) {
    throw new UserError(`features must be a positive multiple of 4 (images are packed 4 bytes per 32-bit word), got ${features}`);
  }
  const biasOffset = CLASSES * features;
  const count = biasOffset + CLASSES;
  return { features, rowWords: features / 4, biasOffset, count, paddedCount: Math.ceil(count / 4) * 4 };
}

/** Initial parameters: all zeros, so every run starts at loss ln(10) and no seed is involved. */
export function zeroParams(layout: ParamLayout): Float32Array {
  return new Float32Array(layout.paddedCount);
}

/**
 * The regression model (--task regression): one output, ŷ = w·x + b, with float features.
 * Parameters: w (D) then b, zeros up to a multiple of 4. rowWords is unused (features are f32).
 */
export function linearLayout(features: number): ParamLayout {
  if (!Number.isInteger(features) || features <= 0) throw new UserError(`features must be a positive whole number, got ${features}`);
  return { features, rowWords: 0, biasOffset: features, count: features + 1, paddedCount: Math.ceil((features + 1) / 4) * 4 };
}

/** What is learned: the classifier (--task classification) or linear regression (--task regression). */
export type Task = 'classification' | 'regression';
export const TASKS: readonly Task[] = ['classification', 'regression'];

export interface Model {
  /** the name written into weights files */
  kind: 'softmax-classifier' | 'linear-regression';
  task: Task;
  /** outputs per example: a logit per class, or the one predicted value */
  outputs: number;
  layout(features: number): ParamLayout;
  /** how the weights file stores the parameters */
  layoutText: string;
}

export const SOFTMAX_CLASSIFIER: Model = {
  kind: 'softmax-classifier', task: 'classification', outputs: CLASSES, layout: paramLayout,
  layoutText: 'W (classes, features) row-major, then b (classes); little-endian',
};

export const LINEAR_REGRESSION: Model = {
  kind: 'linear-regression', task: 'regression', outputs: 1, layout: linearLayout,
  layoutText: 'w (features), then b; little-endian',
};

export const MODELS: Record<Task, Model> = { classification: SOFTMAX_CLASSIFIER, regression: LINEAR_REGRESSION };
