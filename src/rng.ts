/**
 * A small seeded PRNG (mulberry32) and a Fisher-Yates shuffle, so every run's example order is
 * reproducible from --seed. The state is one u32, easy to save and restore.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { [i: number]: number; length: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  get seedState(): number {
    return this.state;
  }
}

/** 0, 1, …, n-1 shuffled with `rng`. */
export function permutation(n: number, rng: Rng): Uint32Array {
  return rng.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
}
