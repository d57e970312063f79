/**
 * Mutation fuzzing for the file parsers: from valid files, thousands of variants (truncated,
 * bit-flipped, bytes overwritten, random garbage, length fields set to huge values), each handed
 * to the parser. A parser passes when every variant is either rejected with a UserError whose
 * message names the file on one line, or accepted with a result the caller checks; never another
 * exception, a hang, or an allocation anywhere near what a corrupt header claims.
 */
import { expect } from 'vitest';
import { UserError } from '../../src/errors';
import { Rng } from '../../src/rng';

export interface FuzzCounts {
  cases: number;
  rejected: number;
  accepted: number;
}

/** One mutated copy of one of `seeds`; `lengthFields` are byte offsets of u32 length fields. */
export function mutate(rng: Rng, seeds: readonly Uint8Array[], lengthFields: readonly number[] = []): Uint8Array {
  const seed = seeds[rng.below(seeds.length)]!;
  const kind = rng.below(6);
  if (kind === 0) return seed.slice(0, rng.below(seed.length)); // truncated
  if (kind === 1) return Uint8Array.from({ length: rng.below(64) }, () => rng.below(256)); // garbage
  const out = seed.slice();
  if (kind === 2 || out.length === 0) {
    for (let n = 1 + rng.below(4); n > 0 && out.length > 0; n--) out[rng.below(out.length)]! ^= 1 << rng.below(8); // bit flips
  } else if (kind === 3) {
    out[rng.below(out.length)] = rng.below(256); // a byte overwritten
  } else if (kind === 4 && lengthFields.length > 0) {
    const at = lengthFields[rng.below(lengthFields.length)]!;
    const huge = [0xffffffff, 0x7fffffff, 0x10000000, seed.length, seed.length + 1, 0][rng.below(6)]!;
    if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, huge, rng.below(2) === 0);
  } else {
    return Uint8Array.from([...out, ...Array.from({ length: 1 + rng.below(8) }, () => rng.below(256))]); // trailing bytes
  }
  return out;
}

/**
 * Runs `cases` mutations through `parse`; `accept` checks an accepted result. Also checks that
 * no case grows the process's ArrayBuffer memory by more than `maxAllocBytes`.
 */
export function fuzz<T>(
  name: string,
  seeds: readonly Uint8Array[],
  cases: number,
  parse: (bytes: Uint8Array) => T,
  accept: (result: T, bytes: Uint8Array) => void,
  options: { lengthFields?: readonly number[]; maxAllocBytes?: number; seed?: number } = {},
): FuzzCounts {
  const rng = new Rng(options.seed ?? 1);
  const counts: FuzzCounts = { cases, rejected: 0, accepted: 0 };
  const maxAlloc = options.maxAllocBytes ?? 64 * 1024 * 1024;
  for (let i = 0; i < cases; i++) {
    const bytes = mutate(rng, seeds, options.lengthFields);
    const before = process.memoryUsage().arrayBuffers;
    let result: T;
    try {
      result = parse(bytes);
    } catch (e) {
      if (!(e instanceof UserError)) throw new Error(`case ${i}: ${String(e)} is not a UserError`, { cause: e });
      expect(e.message.startsWith(`${name}: `), e.message).toBe(true);
      expect(e.message.includes('\n'), e.message).toBe(false);
      counts.rejected++;
      continue;
    }
    expect(process.memoryUsage().arrayBuffers - before, `case ${i} allocated`).toBeLessThan(maxAlloc);
    accept(result, bytes);
    counts.accepted++;
  }
  return counts;
}
