/** Text formatting for the terminal. */
import { CLASSES } from '../model';

import { count, fixed4 } from '../format';

export { count, fixed4, percent, seconds } from '../format';

/** An R² to 4 decimals; 'n/a' where it is not defined (targets that do not vary, one row: NaN), never "NaN". */
export function rSquared(r2: number): string {
  return Number.isNaN(r2) ? 'n/a' : fixed4(r2);
}

/** "1 row", "1,000 rows". */
export function rowCount(n: number): string {
  return `${count(n)} row${n === 1 ? '' : 's'}`;
}

export function confusionTable(confusion: Uint32Array): string {
  const width = Math.max(5, ...Array.from(confusion, (v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const lines = [`true\\pred${Array.from({ length: CLASSES }, (_, c) => cell(c)).join('')}`];
  for (let t = 0; t < CLASSES; t++) {
    lines.push(`${String(t).padStart(9)}${Array.from(confusion.subarray(t * CLASSES, (t + 1) * CLASSES), cell).join('')}`);
  }
  return lines.join('\n');
}
