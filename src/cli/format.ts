/** Text formatting for the terminal. */
import { CLASSES } from '../model';

export { count, percent, seconds } from '../format';

/** A loss or an R² to 4 decimals; one that blew up (a diverging rate) in 4 significant digits, not 20 of them. */
export function fixed4(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toPrecision(4) : x.toFixed(4);
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
