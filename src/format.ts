/** Number formatting shared by the CLI, the browser page and the benchmark report. */
export const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
export const count = (x: number) => Math.round(x).toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
