/**
 * The wait pacer (src/device/wait-pacer.ts): the first wait of a kind teaches nothing; once two
 * more were seen, a wait sleeps SLEEP_FRACTION (3/4) of the least they took per unit; a slow wait
 * never raises that; a new plan forgets its kind; a disabled pacer (browsers) never sleeps.
 * (What it saves is measured, not tested: scripts/gc-probe.ts.)
 */
import { expect, test } from 'vitest';
import { WaitPacer } from '../../src/device/wait-pacer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A wait of `units` that takes `ms` in all (the pacer's own sleep included), learned. */
async function wait(pacer: WaitPacer, key: string, units: number, ms: number): Promise<void> {
  const hint = { key, units };
  const started = await pacer.sleepBefore(hint);
  await sleep(Math.max(0, ms - (performance.now() - started.started)));
  pacer.learn(hint, started);
}

async function sleptMs(pacer: WaitPacer, hint: { key: string; units: number }): Promise<number> {
  const t0 = performance.now();
  await pacer.sleepBefore(hint);
  return performance.now() - t0;
}

test('the first wait teaches nothing; after two more it sleeps 3/4 of the least per unit; kinds apart; forgets by prefix', async () => {
  const pacer = new WaitPacer(true);
  const hint = { key: 'steps', units: 2 };
  await wait(pacer, 'steps', 1, 200); // a first wait, with its one-time costs
  expect(await sleptMs(pacer, hint)).toBeLessThan(2);
  await wait(pacer, 'steps', 4, 120); // 30 ms per unit
  expect(await sleptMs(pacer, hint)).toBeLessThan(2);
  await wait(pacer, 'steps', 4, 80); // 20 ms per unit: the least
  const slept = await sleptMs(pacer, hint); // 3/4 of 2 × 20 ms
  expect(slept).toBeGreaterThanOrEqual(28);
  expect(slept).toBeLessThan(45);
  expect(await sleptMs(pacer, { key: 'evaluate train', units: 1 })).toBeLessThan(2);
  pacer.forget('steps');
  expect(await sleptMs(pacer, hint)).toBeLessThan(2);
});

test('a pause inside a short wait does not raise the estimate: the next long wait does not oversleep', async () => {
  const pacer = new WaitPacer(true);
  await wait(pacer, 'steps', 1, 30);
  await wait(pacer, 'steps', 40, 40); // 1 ms per step
  await wait(pacer, 'steps', 40, 40);
  await wait(pacer, 'steps', 1, 60); // one step that met a 60 ms pause (a garbage collection, a preempted thread)
  // 60 steps: 3/4 of 60 × 1 ms; with the mean the pacer once kept, 3/4 of 60 × 30 ms (1.35 s)
  const slept = await sleptMs(pacer, { key: 'steps', units: 60 });
  expect(slept).toBeGreaterThanOrEqual(40);
  expect(slept).toBeLessThan(120);
});

test('a wait that was over before the sleep ended halves the estimate', async () => {
  const pacer = new WaitPacer(true);
  const hint = { key: 'evaluate train', units: 1 };
  for (let i = 0; i < 3; i++) await wait(pacer, hint.key, 1, 200);
  // the next sleeps 150 ms and the work was done by then: half of what it took is the new least
  const second = await pacer.sleepBefore(hint);
  expect(second.sleptMs).toBeGreaterThanOrEqual(140);
  pacer.learn(hint, second);
  const third = await sleptMs(pacer, hint);
  expect(third).toBeLessThan(0.75 * 0.6 * second.sleptMs + 20);
  expect(third).toBeGreaterThanOrEqual(0.75 * 0.5 * second.sleptMs - 5);
});

test('a disabled pacer never sleeps, and a wait without a hint never does', async () => {
  const off = new WaitPacer(false);
  for (let i = 0; i < 3; i++) await wait(off, 'k', 1, 50);
  expect(await sleptMs(off, { key: 'k', units: 1 })).toBeLessThan(2);
  const on = new WaitPacer(true);
  expect(await sleptMs(on, undefined as unknown as { key: string; units: number })).toBeLessThan(2);
});
