/**
 * The wait pacer (src/device/wait-pacer.ts): a wait of a kind not seen before does not sleep; one
 * seen before sleeps SLEEP_FRACTION (3/4) of what the last ones took per unit; a new plan forgets
 * its kind; a disabled pacer (browsers) never sleeps. (What it saves is measured, not tested:
 * scripts/gc-probe.ts.)
 */
import { expect, test } from 'vitest';
import { WaitPacer } from '../../src/device/wait-pacer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sleptMs(pacer: WaitPacer, hint: { key: string; units: number }): Promise<number> {
  const t0 = performance.now();
  await pacer.sleepBefore(hint);
  return performance.now() - t0;
}

test('learns per kind and per unit, sleeps three quarters of it, forgets by prefix', async () => {
  const pacer = new WaitPacer(true);
  const hint = { key: 'steps', units: 4 };
  expect(await sleptMs(pacer, hint)).toBeLessThan(2);
  const started = await pacer.sleepBefore(hint);
  await sleep(80);
  pacer.learn(hint, started); // 20 ms per unit
  // 2 units: 3/4 of 40 ms
  const slept = await sleptMs(pacer, { key: 'steps', units: 2 });
  expect(slept).toBeGreaterThanOrEqual(28);
  expect(slept).toBeLessThan(200);
  expect(await sleptMs(pacer, { key: 'evaluate train', units: 1 })).toBeLessThan(2);
  pacer.forget('steps');
  expect(await sleptMs(pacer, hint)).toBeLessThan(2);
});

test('a wait that was over before the sleep ended halves the estimate', async () => {
  const pacer = new WaitPacer(true);
  const hint = { key: 'evaluate train', units: 1 };
  const first = await pacer.sleepBefore(hint);
  await sleep(200); // a slow first wait
  pacer.learn(hint, first);
  // the next sleeps 150 ms and the work was done by then: learned as half of what it took
  const second = await pacer.sleepBefore(hint);
  expect(second.sleptMs).toBeGreaterThanOrEqual(140);
  pacer.learn(hint, second);
  const third = await sleptMs(pacer, hint);
  expect(third).toBeLessThan(0.75 * 0.6 * second.sleptMs + 20);
  expect(third).toBeGreaterThanOrEqual(0.75 * 0.5 * second.sleptMs - 5);
});

test('a disabled pacer never sleeps, and a wait without a hint never does', async () => {
  const off = new WaitPacer(false);
  const hint = { key: 'k', units: 1 };
  const started = await off.sleepBefore(hint);
  await sleep(50);
  off.learn(hint, started);
  expect(await sleptMs(off, hint)).toBeLessThan(2);
  const on = new WaitPacer(true);
  expect(await sleptMs(on, undefined as unknown as { key: string; units: number })).toBeLessThan(2);
});

test('a pause inside a short wait raises the estimate by a quarter at most, so the next long wait does not oversleep', async () => {
  const pacer = new WaitPacer(true);
  const learnWait = async (units: number, ms: number) => {
    const hint = { key: 'steps', units };
    const started = await pacer.sleepBefore(hint);
    await sleep(Math.max(0, ms - (performance.now() - started.started)));
    pacer.learn(hint, started);
  };
  await learnWait(40, 40); // 1 ms per step
  await learnWait(1, 60); // one step that met a 60 ms pause (a garbage collection, a preempted thread)
  // 60 steps: about 3/4 of 60 × 1.25 ms, not 3/4 of 60 × 30 ms (1.35 s)
  const slept = await sleptMs(pacer, { key: 'steps', units: 60 });
  expect(slept).toBeGreaterThanOrEqual(50);
  expect(slept).toBeLessThan(150);
});
