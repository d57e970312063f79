/** Seeded inputs for kernel tests (filled in loops: Array.from's callback costs seconds at 60000×784). */
import { Rng } from '../../src/rng';

function filled<T extends Uint8Array | Float32Array>(out: T, value: () => number): T {
  for (let i = 0; i < out.length; i++) out[i] = value();
  return out;
}

export function randomImages(rng: Rng, count: number, features: number): Uint8Array {
  // mostly zeros like MNIST, with a spread of bright pixels
  return filled(new Uint8Array(count * features), () => (rng.next() < 0.6 ? 0 : Math.floor(rng.next() * 256)));
}

export function randomLabels(rng: Rng, count: number): Uint8Array {
  return filled(new Uint8Array(count), () => Math.floor(rng.next() * 10));
}

export function randomFloats(rng: Rng, count: number, scale: number): Float32Array {
  return filled(new Float32Array(count), () => (rng.next() * 2 - 1) * scale);
}
