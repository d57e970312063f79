/**
 * Writes examples/data/noisy-line.csv, the data of examples/noisy-line.sh: 100 points of
 * y = 2x + 1 + ε with x ~ N(0, 10²) and ε ~ N(0, 2²), from seed 13 (issue 13).
 *
 *   npx tsx examples/data/make-noisy-line.ts > examples/data/noisy-line.csv
 *
 * The CSV, not this script, is the data: the example and its test read the file, so a change
 * here changes nothing until the file is written again.
 */
import { Rng } from '../../src/rng';

const SEED = 13;
const POINTS = 100;
const SLOPE = 2;
const INTERCEPT = 1;
const X_SD = 10;
const NOISE_SD = 2;
/** Decimals kept in the file: the rounded values are the data, read back exactly as written. */
const DECIMALS = 4;

/** A standard normal from two uniforms (Box–Muller); 1 − u keeps the logarithm's argument above 0. */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function noisyLine(): string {
  const rng = new Rng(SEED);
  const rows = ['x,y'];
  for (let i = 0; i < POINTS; i++) {
    const x = X_SD * normal(rng);
    const y = SLOPE * x + INTERCEPT + NOISE_SD * normal(rng);
    rows.push(`${x.toFixed(DECIMALS)},${y.toFixed(DECIMALS)}`);
  }
  return `${rows.join('\n')}\n`;
}

process.stdout.write(noisyLine());
