/** Text formatting for the terminal. */
import { CLASSES } from '../model';

export { count, fixed4, percent, seconds } from '../format';

export function confusionTable(confusion: Uint32Array): string {
  const width = Math.max(5, ...Array.from(confusion, (v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const lines = [`true\\pred${Array.from({ length: CLASSES }, (_, c) => cell(c)).join('')}`];
  for (let t = 0; t < CLASSES; t++) {
    lines.push(`${String(t).padStart(9)}${Array.from(confusion.subarray(t * CLASSES, (t + 1) * CLASSES), cell).join('')}`);
  }
  return lines.join('\n');
}
