/**
 * Endurance: 20 training runs in one process, each creating and destroying its own device. No
 * GPU buffer or device may outlive its run, and the process may not grow beyond a stated bound
 * between runs 5-9 and runs 16-20 (the first runs warm up V8, Dawn and SwiftShader's JIT).
 *
 * Each run ends with a real garbage collection (the destroyed device's JavaScript wrappers hold
 * native memory until they are collected), and each window is measured by its least resident
 * memory: the allocator keeps freed memory for a few runs (one run at 281 MiB between runs at 254,
 * three at 283 at the end of 20), which is not a leak, while a leak raises every later run. With
 * a single measurement at run 5 and at run 20, and no collection, runs without a leak measured
 * 7 to 42 MiB of growth.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
const WINDOW = 5;
/** allowed growth of resident memory from runs 5-9 to runs 16-20 */
const RSS_BOUND_MB = 32;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

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
      collectGarbage();
      rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    const early = Math.min(...rss.slice(WARM_UP - 1, WARM_UP - 1 + WINDOW));
    const late = Math.min(...rss.slice(RUNS - WINDOW));
    const growth = late - early;
    console.log(`endurance: resident memory per run (MiB): ${rss.map((m) => m.toFixed(0)).join(' ')}; least in runs ${WARM_UP}-${WARM_UP + WINDOW - 1} ${early.toFixed(0)}, in runs ${RUNS - WINDOW + 1}-${RUNS} ${late.toFixed(0)}: growth ${growth.toFixed(1)} MiB (bound ${RSS_BOUND_MB})`);
    expect(growth).toBeLessThan(RSS_BOUND_MB);
  }, 300_000);
});
