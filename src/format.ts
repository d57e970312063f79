/** Numbers as people read and write them, shared by the CLI, the browser page, the data loaders and the benchmark report. */
export const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
export const count = (x: number) => Math.round(x).toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** float32's smallest normal and largest finite values: the kernels compute in float32. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A loss or an R² to 4 decimals; one that blew up (a diverging rate) in 4 significant digits, not 20 of them. */
export function fixed4(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toPrecision(4) : x.toFixed(4);
}

/** A rate or other number in a message as a user would type it: 2.5e9, not 2500000000. */
export function shown(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toExponential().replace('e+', 'e') : String(x);
}

/** A decimal number as people write it (12, -0.5, 1e-3): not hex, binary, octal or Infinity. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number `text` writes in decimal, or NaN. */
export function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}
