/**
 * Shapes every kernel test runs: batch sizes of 1, primes, around the workgroup sizes (64, 256),
 * feature counts from tiny to MNIST's 784, batches that start mid-way through the order, and the
 * full 60000×784 training set. `start + size <= count` always.
 */
export interface Shape {
  name: string;
  count: number;
  features: number;
  start: number;
  size: number;
}

export const SHAPES: Shape[] = [
  { name: 'one example', count: 1, features: 4, start: 0, size: 1 },
  { name: 'one example of 784', count: 3, features: 784, start: 2, size: 1 },
  { name: 'prime batch 7, 12 features', count: 20, features: 12, start: 5, size: 7 },
  { name: 'batch 63 (under a workgroup)', count: 100, features: 784, start: 10, size: 63 },
  { name: 'batch 64 (one workgroup)', count: 64, features: 784, start: 0, size: 64 },
  { name: 'batch 65 (one over)', count: 130, features: 28, start: 65, size: 65 },
  { name: 'prime batch 257, 784 features', count: 600, features: 784, start: 101, size: 257 },
  { name: 'prime 1009 rows, 20 features', count: 1009, features: 20, start: 0, size: 1009 },
];

/**
 * The real training-set size (on random bytes of the same shape), for index overflow and dispatch
 * limits: once per kernel and variant the engine runs at that size (its tile, its phase count,
 * each split-K chunk), not per awkward choice, whose arithmetic SHAPES checks in a fraction of the time.
 */
export const FULL_MNIST: Shape = { name: 'full MNIST 60000x784', count: 60000, features: 784, start: 0, size: 60000 };

/**
 * `make` once per shape, its result reused: at 60000×784 the random inputs and a float64
 * reference take seconds each, and every variant of a kernel (tile, phases, chunk) reads the same.
 */
export function perShape<T>(make: (shape: Shape) => T): (shape: Shape) => T {
  const made = new Map<string, T>();
  return (shape) => {
    if (!made.has(shape.name)) made.set(shape.name, make(shape));
    return made.get(shape.name)!;
  };
}
