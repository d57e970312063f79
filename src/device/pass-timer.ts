/**
 * GPU time of one submission from timestamp queries, for the device module (gpu.ts: Gpu.timer(),
 * null where the device lacks 'timestamp-query'). The begin timestamp is written at the start of
 * the submission's first compute pass, the end one at the end of its last; both are resolved at
 * the end of its encoder and read back after it completed.
 */
export interface PassTimer {
  /** the timestampWrites of a pass that is the first (begin), the last (end), or both */
  writes(first: boolean, last: boolean): GPUComputePassTimestampWrites | undefined;
  /** records the resolution of the two timestamps at the end of `encoder` (before its finish) */
  resolve(encoder: GPUCommandEncoder): void;
  /** after the submission completed: ns from the first pass's beginning to the last one's end */
  elapsedNs(): Promise<number>;
  destroy(): void;
}

/** A timer on `device` (which has 'timestamp-query'); `read` copies a buffer's 16 bytes back. */
export function passTimer(device: GPUDevice, read: (buffer: GPUBuffer) => Promise<ArrayBuffer>): PassTimer {
  const querySet = device.createQuerySet({ label: 'pass timer', type: 'timestamp', count: 2 });
  const resolved = device.createBuffer({ label: 'pass timer resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  return {
    writes: (first, last) => (first || last ? {
      querySet,
      ...(first ? { beginningOfPassWriteIndex: 0 } : {}),
      ...(last ? { endOfPassWriteIndex: 1 } : {}),
    } : undefined),
    resolve: (encoder) => encoder.resolveQuerySet(querySet, 0, 2, resolved, 0),
    elapsedNs: async () => {
      const [begin, end] = new BigUint64Array(await read(resolved));
      return Number(end! - begin!);
    },
    destroy: () => {
      querySet.destroy();
      resolved.destroy();
    },
  };
}
