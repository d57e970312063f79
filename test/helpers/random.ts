/** Seeded inputs for kernel tests. */
import { Rng } from '../../src/rng';

export function randomImages(rng: Rng, count: number, features: number): Uint8Array {
  // mostly zeros like MNIST, with a spread of bright pixels
  return Uint8Array.from({ length: count * features }, () => (rng.next() < 0.6 ? 0 : Math.floor(rng.next() * 256)));
}

export function randomLabels(rng: Rng, count: number): Uint8Array {
  return Uint8Array.from({ length: count }, () => Math.floor(rng.next() * 10));
}

export function randomFloats(rng: Rng, count: number, scale: number): Float32Array {
  return Float32Array.from({ length: count }, () => (rng.next() * 2 - 1) * scale);
}
