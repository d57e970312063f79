/**
 * The wait pacer (src/device/wait-pacer.ts): the first wait of a kind teaches nothing; once two
 * more were seen, a wait sleeps SLEEP_FRACTION (3/4) of the least they took per unit; a slow wait
 * never raises that; a wait over before its sleep ended halves the estimate; a new plan forgets
 * its kind; a disabled pacer (browsers) never sleeps. The pacer runs on a clock the test owns, so
 * every figure is exact: on the real clock a loaded host delayed a timer by more than the
 * pacer's 1 ms "polled at once" margin and the halving test failed in CI. (What the pacer saves
 * is measured, not tested: scripts/gc-probe.ts.)
 */
import { expect, test } from 'vitest';
import { type PacerClock, realClock, WaitPacer } from '../../src/device/wait-pacer';

/** Time moves only when the pacer sleeps or a test's work is done. */
class TestClock implements PacerClock {
  t = 1000;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

function pacerOn(): { pacer: WaitPacer; clock: TestClock } {
  const clock = new TestClock();
  return { pacer: new WaitPacer(true, clock), clock };
}

/** A wait of `units` whose work ends `workMs` after the wait began (or at once after the pacer's sleep, if that was longer), learned. */
async function wait(pacer: WaitPacer, clock: TestClock, key: string, units: number, workMs: number): Promise<void> {
  const hint = { key, units };
  const started = await pacer.sleepBefore(hint);
  clock.t = Math.max(clock.t, started.started + workMs);
  pacer.learn(hint, started);
}

/** How long the pacer sleeps before a wait of `hint`'s kind (nothing learned from it). */
async function sleeps(pacer: WaitPacer, hint: { key: string; units: number }): Promise<number> {
  return (await pacer.sleepBefore(hint)).sleptMs;
}

test('the first wait teaches nothing; after two more it sleeps 3/4 of the least per unit; kinds apart; forgets by prefix', async () => {
  const { pacer, clock } = pacerOn();
  const hint = { key: 'steps', units: 2 };
  await wait(pacer, clock, 'steps', 1, 200); // a first wait, with its one-time costs
  expect(await sleeps(pacer, hint)).toBe(0);
  await wait(pacer, clock, 'steps', 4, 120); // 30 ms per unit
  expect(await sleeps(pacer, hint)).toBe(0);
  await wait(pacer, clock, 'steps', 4, 80); // 20 ms per unit: the least
  expect(await sleeps(pacer, hint)).toBe(0.75 * 2 * 20);
  expect(await sleeps(pacer, { key: 'evaluate train', units: 1 })).toBe(0);
  pacer.forget('steps');
  expect(await sleeps(pacer, hint)).toBe(0);
});

test('a pause inside a short wait does not raise the estimate: the next long wait does not oversleep', async () => {
  const { pacer, clock } = pacerOn();
  await wait(pacer, clock, 'steps', 1, 30);
  await wait(pacer, clock, 'steps', 40, 40); // 1 ms per step
  await wait(pacer, clock, 'steps', 40, 40);
  await wait(pacer, clock, 'steps', 1, 60); // one step that met a 60 ms pause (a garbage collection, a preempted thread)
  // 60 steps: 3/4 of 60 × 1 ms; with the mean the pacer once kept, 3/4 of 60 × 30 ms (1.35 s)
  expect(await sleeps(pacer, { key: 'steps', units: 60 })).toBe(0.75 * 60 * 1);
});

test('a wait that was over before the sleep ended halves the estimate; one that ended after it does not', async () => {
  const { pacer, clock } = pacerOn();
  const hint = { key: 'evaluate train', units: 1 };
  for (let i = 0; i < 3; i++) await wait(pacer, clock, hint.key, 1, 200);
  expect(await sleeps(pacer, hint)).toBe(150);
  await wait(pacer, clock, hint.key, 1, 100); // slept 150 ms, the work was done by then: it took less than 150
  expect(await sleeps(pacer, hint)).toBe(0.75 * (150 / 2));
  await wait(pacer, clock, hint.key, 1, 70); // sleeps 56.25, the work goes on 13.75 ms after: 70 is what it took
  expect(await sleeps(pacer, hint)).toBe(0.75 * 70);
});

test('sleeps shorter than a timer are not slept', async () => {
  const { pacer, clock } = pacerOn();
  for (let i = 0; i < 3; i++) await wait(pacer, clock, 'steps', 1, 2); // 2 ms per step: 1.5 ms of sleep for one
  expect(await sleeps(pacer, { key: 'steps', units: 1 })).toBe(0);
  expect(await sleeps(pacer, { key: 'steps', units: 2 })).toBe(3);
});

test('a disabled pacer never sleeps, and a wait without a hint never does', async () => {
  const clock = new TestClock();
  const off = new WaitPacer(false, clock);
  for (let i = 0; i < 3; i++) await wait(off, clock, 'k', 1, 50);
  expect(await sleeps(off, { key: 'k', units: 1 })).toBe(0);
  const { pacer } = pacerOn();
  expect(await sleeps(pacer, undefined as unknown as { key: string; units: number })).toBe(0);
});

test('the real clock sleeps at least what it is asked (a timer never fires early by more than its rounding)', async () => {
  const t0 = realClock.now();
  await realClock.sleep(30);
  expect(realClock.now() - t0).toBeGreaterThanOrEqual(29);
});
