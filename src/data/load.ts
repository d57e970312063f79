/**
 * Builds train/test Datasets from the four standard IDX files, checking that they describe
 * 28×28 images with labels in 0..9, the same number of each.
 */
import { UserError } from '../errors';
import { demandBytes, demandText } from '../fields';
import { CLASSES, IMAGE_SIDE } from '../model';
import type { Dataset } from './dataset';
import { type IdxArray, parseIdx } from './idx';

export const IDX_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** An IDX file of 28x28 images (dimensions Nx28x28), as training, evaluation and prediction read one. */
export function parseImages(bytes: Uint8Array, name: string): IdxArray {
  const images = parseIdx(bytes, name);
  if (images.dims.length !== 3 || images.dims[1] !== IMAGE_SIDE || images.dims[2] !== IMAGE_SIDE) {
    throw new UserError(`${name}: expected images of ${IMAGE_SIDE}x${IMAGE_SIDE} (dimensions Nx${IMAGE_SIDE}x${IMAGE_SIDE}), found ${images.dims.join('x')}`);
  }
  return images;
}

export function datasetFromIdx(imageBytes: Uint8Array, imagesName: string, labelBytes: Uint8Array, labelsName: string): Dataset {
  demandBytes('imageBytes', imageBytes, "the images' IDX file's bytes");
  demandBytes('labelBytes', labelBytes, "the labels' IDX file's bytes");
  demandText('imagesName', imagesName);
  demandText('labelsName', labelsName);
  const images = parseImages(imageBytes, imagesName);
  const labels = parseIdx(labelBytes, labelsName);
  if (labels.dims.length !== 1) {
    throw new UserError(`${labelsName}: expected a 1-dimensional label file, found dimensions ${labels.dims.join('x')}`);
  }
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new UserError(`${labelsName}: ${labels.dims[0]} labels for ${count} images in ${imagesName}`);
  }
  if (count === 0) throw new UserError(`${imagesName}: the file holds no images`);
  const bad = labels.data.findIndex((y) => y >= CLASSES);
  if (bad >= 0) {
    throw new UserError(`${labelsName}: label ${labels.data[bad]} at index ${bad} is outside the ${CLASSES} classes 0..${CLASSES - 1}`);
  }
  return { images: images.data, labels: labels.data, count, features: IMAGE_SIDE * IMAGE_SIDE };
}
