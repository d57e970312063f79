/**
 * Lets the event loop run (signal handlers, timers, I/O) between chunks of CPU work. A backend
 * whose steps are plain CPU work (the reference) never yields by itself, so a stop request would
 * otherwise wait for the end of the run. setImmediate in Node (no delay); a zero timeout in a
 * browser, where nothing else is needed (the page yields at every GPU completion).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
