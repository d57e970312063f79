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
 * SLEEP_FRACTION of the least it took per unit of work, then lets dawn-node poll for the rest.
 * The least, not the last or a mean: the estimate is per unit and the next wait may have many
 * more units, so one slow wait (a major garbage collection inside it, a thread preempted on a
 * shared host, a cold cache after an evaluation) must not become a long sleep. With a mean, a
 * 1-update wait 25 times too slow made the next 60-update wait sleep hundreds of ms inside the
 * training clock: the early stalls of the benchmark's loss curves. The first wait of a kind
 * teaches nothing (it carries one-time costs: a pipeline's first use, first touches of its
 * buffers), and sleeping starts once two more were seen. A wait that was over before its sleep
 * ended says only that the work took less than the sleep: half of it is taken as the new least.
 * A wait that is slower than the least costs polling, never a stall. Results never depend on
 * the pacer, only the wall time around them. Browsers resolve these promises from events and
 * need none of this: the pacer is on for dawn-node only.
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
/** Waits of a kind that teach the pacer before it sleeps: the first (ignored) and two more. */
const WAITS_BEFORE_SLEEPING = 3;

/** The time and the timer a pacer uses: the real ones, or a test's own (test/device/wait-pacer.test.ts). */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** When a wait began, and how long the pacer slept in it. */
export interface Waited {
  started: number;
  sleptMs: number;
}

export class WaitPacer {
  /** per kind: the waits seen, and the least ms per unit of those after the first */
  private readonly kinds = new Map<string, { waits: number; leastPerUnitMs: number }>();

  constructor(
    readonly enabled: boolean,
    private readonly clock: PacerClock = realClock,
  ) {}

  /** Sleeps before a wait of `hint`'s kind as the last ones suggest; returns when the wait began and how long it slept (for learn). */
  async sleepBefore(hint: WaitHint | undefined): Promise<Waited> {
    const started = this.clock.now();
    if (!this.enabled || !hint) return { started, sleptMs: 0 };
    const kind = this.kinds.get(hint.key);
    const sleepMs = !kind || kind.waits < WAITS_BEFORE_SLEEPING ? 0 : SLEEP_FRACTION * kind.leastPerUnitMs * hint.units;
    if (sleepMs < MIN_SLEEP_MS) return { started, sleptMs: 0 };
    await this.clock.sleep(sleepMs);
    return { started, sleptMs: this.clock.now() - started };
  }

  /** Learns what a wait of `hint`'s kind took, from sleepBefore's start to now (see the header). */
  learn(hint: WaitHint | undefined, w: Waited): void {
    if (!this.enabled || !hint || hint.units <= 0) return;
    const kind = this.kinds.get(hint.key) ?? { waits: 0, leastPerUnitMs: Infinity };
    this.kinds.set(hint.key, kind);
    if (kind.waits++ === 0) return;
    const tookMs = this.clock.now() - w.started;
    const overslept = w.sleptMs > 0 && tookMs - w.sleptMs < POLLED_AT_ONCE_MS;
    kind.leastPerUnitMs = Math.min(kind.leastPerUnitMs, (overslept ? tookMs / 2 : tookMs) / hint.units);
  }

  /** Forgets the kinds whose key starts with `prefix` (a new plan's steps cost what they cost). */
  forget(prefix: string): void {
    for (const key of this.kinds.keys()) if (key.startsWith(prefix)) this.kinds.delete(key);
  }
}
