/**
 * Endurance: 20 training runs in one process, each creating and destroying its own device. No
 * GPU buffer or device may outlive its run, and the process may not grow beyond a stated bound
 * between the 5th and the 20th run (the first runs warm up V8, Dawn and SwiftShader's JIT).
 */
import { describe, expect, test } from 'vitest';
import { WebGpuBackend } from '../../src/backend/webgpu';
import { Gpu } from '../../src/device/gpu';
import { paramLayout, zeroParams } from '../../src/model';
import { train } from '../../src/train/trainer';
import { testGpu } from '../helpers/gpu';
import { classifierData } from '../helpers/data';
import { head } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const RUNS = 20;
const WARM_UP = 5;
/** allowed growth of resident memory from run 5 to run 20 */
const RSS_BOUND_MB = 32;

describe('endurance', () => {
  test(`${RUNS} runs, a device each: nothing left alive, bounded memory`, async () => {
    const data = { train: head(mnist().train, 2000), test: head(mnist().test, 100) };
    const aliveBefore = { ...Gpu.alive };
    const rss: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const gpu = await testGpu();
      const backend = await WebGpuBackend.create(gpu, classifierData(data));
      const r = await train(backend, data.train.count, zeroParams(paramLayout(784)), { batchSize: [1, 10, 100, 2000][run % 4]!, lr: 0.01, epochs: 1, recordEvery: 1e9, seed: run });
      expect(r.history.at(-1)!.loss).toBeLessThan(Math.log(10));
      expect(Gpu.alive.buffers).toBeGreaterThan(aliveBefore.buffers);
      await backend.destroy();
      expect(Gpu.alive).toEqual(aliveBefore);
      globalThis.gc?.();
      rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    const growth = rss[RUNS - 1]! - rss[WARM_UP - 1]!;
    console.log(`endurance: resident memory after runs 1, ${WARM_UP}, ${RUNS}: ${[rss[0], rss[WARM_UP - 1], rss[RUNS - 1]].map((m) => m!.toFixed(0)).join(', ')} MiB; growth from run ${WARM_UP} to ${RUNS}: ${growth.toFixed(1)} MiB (bound ${RSS_BOUND_MB})`);
    expect(growth).toBeLessThan(RSS_BOUND_MB);
  }, 300_000);
});
