/**
 * Waiting for the GPU without spinning the main thread. dawn-node resolves mapAsync and
 * onSubmittedWorkDone by polling: while any of them is pending it queues setImmediate again and
 * again (a new function each time), so the main thread spins and its garbage keeps the
 * collector busy. Measured on the 2-core machine with SwiftShader (scripts/gc-probe.ts: five
 * whole-training-set evaluations): the main thread used 59% of a core and 67 collections took
 * 1.0 s of the 3.6 s, while SwiftShader's two worker threads, which do the GPU's work on the
 * same two cores, got 51-58% each. Asleep on a timer for most of the wait instead, the main
 * thread uses nothing and the workers get ~80% each.
 *
 * So a wait of a kind seen before (a key: "steps of this plan", "evaluate train") first sleeps
 * SLEEP_FRACTION of what the last ones took per unit of work, then lets dawn-node poll for the
 * rest. What a wait took is learned as the run goes: a wait that was over before the sleep
 * ended halves the estimate, and a faster one lowers it at once, so it follows the work down
 * quickly; a slower one raises it by GROWTH at most. The estimate is per unit and the next wait
 * may have many more units: a garbage collection or a preempted thread inside a 1-step wait once
 * raised the estimate 25-fold, and the next wait, of 60 steps, then slept hundreds of ms inside
 * the training clock (the stalls in the benchmark's early loss curves). Results never depend on
 * it, only the wall time around them. Browsers resolve these promises from events and need none
 * of this: the pacer is on for dawn-node only.
 */

/** The kind of work a wait is for, and how much of it (its expected time is per unit). */
export interface WaitHint {
  key: string;
  units: number;
}

/** Sleep this share of the expected time: the rest is polled, so an estimate a little high costs little. */
const SLEEP_FRACTION = 0.75;
/** Shorter sleeps are not worth a timer (a setTimeout is about 1 ms at best). */
const MIN_SLEEP_MS = 2;
/** A wait that resolves this soon after the sleep was over before the sleep ended. */
const POLLED_AT_ONCE_MS = 1;
/** A slower wait raises the estimate by this factor at most: one pause never becomes a long sleep. */
const GROWTH = 1.25;

/** When a wait began, and how long the pacer slept in it. */
export interface Waited {
  started: number;
  sleptMs: number;
}

export class WaitPacer {
  private readonly perUnitMs = new Map<string, number>();

  constructor(readonly enabled: boolean) {}

  /** Sleeps before a wait of `hint`'s kind as the last ones suggest; returns when the wait began and how long it slept (for learn). */
  async sleepBefore(hint: WaitHint | undefined): Promise<Waited> {
    const started = performance.now();
    if (!this.enabled || !hint) return { started, sleptMs: 0 };
    const perUnit = this.perUnitMs.get(hint.key);
    const sleepMs = perUnit === undefined ? 0 : SLEEP_FRACTION * perUnit * hint.units;
    if (sleepMs < MIN_SLEEP_MS) return { started, sleptMs: 0 };
    await new Promise((resolve) => setTimeout(resolve, sleepMs));
    return { started, sleptMs: performance.now() - started };
  }

  /**
   * Learns what a wait of `hint`'s kind took, from sleepBefore's start to now. A wait that was
   * already over when the sleep ended (it resolved within POLLED_AT_ONCE_MS of it) says only
   * that the work took less than the sleep: the estimate is halved, so that one slow wait (the
   * first, say) stops costing sleeps at once rather than over many waits. Otherwise the estimate
   * becomes what the wait took, but at most GROWTH times what it was.
   */
  learn(hint: WaitHint | undefined, w: Waited): void {
    if (!this.enabled || !hint || hint.units <= 0) return;
    const tookMs = performance.now() - w.started;
    const known = this.perUnitMs.get(hint.key);
    const overslept = w.sleptMs > 0 && tookMs - w.sleptMs < POLLED_AT_ONCE_MS;
    const perUnit = overslept ? (tookMs / hint.units) / 2 : tookMs / hint.units;
    this.perUnitMs.set(hint.key, known === undefined || overslept ? perUnit : Math.min(perUnit, GROWTH * known));
  }

  /** Forgets the kinds whose key starts with `prefix` (a new plan's steps cost what they cost). */
  forget(prefix: string): void {
    for (const key of this.perUnitMs.keys()) if (key.startsWith(prefix)) this.perUnitMs.delete(key);
  }
}
