/**
 * npm run predict -- --load W (--x VALUES | --csv FILE | --images FILE): what saved weights
 * predict. Regression weights (in the data's units, see the weights file) give ŷ = w·x + b for
 * each row; classifier weights give each image's class and its softmax probabilities. Computed
 * in float64 on the host: a handful of dot products, no device needed.
 */
import { COMMON_OPTIONS, parseCommandLine } from '../command/args';
import { runCommand } from '../command/run';
import { checkStandardOutputOpen } from '../command/standard-output';
import { readIdxFile } from '../data/load-node';
import { parseImages } from '../data/load';
import { parseCsvColumns } from '../data/regression';
import { UserError, check } from '../errors';
import { decimal } from '../format';
import { readInput } from '../io/files';
import { type RegressionDescription, readWeights } from '../io/weights';
import { CLASSES } from '../model';
import { forwardRef } from '../reference/forward';
import { commandLine } from '../command/invocation';
import { refuseCheckpointAsWeights } from './checkpointing';

const HELP = `usage: ${commandLine('predict')} --load PATH (--x VALUES | --csv FILE | --images FILE) [options]

  --load PATH        weights written by '${commandLine('train')} --save PATH', either format (required)
  --x VALUES         regression: feature values, comma-separated, one row after another in the
                     weights' feature order (a model of one feature: each value is a row)
  --csv FILE         regression: rows of a CSV file whose header names the weights' features
                     (other columns, such as the target, are ignored); predictions go to
                     standard output as CSV
  --images FILE      classifier: an IDX file of 28x28 images (MNIST's, gzip too)
  --first N          classifier: predict the first N images. Default 10
  -h, --help         this text`;

const OPTIONS = {
  help: COMMON_OPTIONS.help!,
  load: { type: 'string' },
  x: { type: 'string' },
  csv: { type: 'string' },
  images: { type: 'string' },
  first: { type: 'string' },
} as const;

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (args.help) {
    console.log(HELP);
    return;
  }
  checkStandardOutputOpen('predictions');
  const str = (k: string) => args[k] as string | undefined;
  const load = str('load');
  if (!load) throw new UserError(`--load PATH is required (weights from ${commandLine('train')} --save PATH)`);
  const inputs = ['x', 'csv', 'images'].filter((k) => str(k) !== undefined);
  check(inputs.length === 1, `give exactly one of --x VALUES, --csv FILE (regression) or --images FILE (classifier)${inputs.length > 1 ? `, not ${inputs.map((k) => `--${k}`).join(' and ')}` : ''}`);
  const bytes = readInput(load, `--load ${load}`);
  refuseCheckpointAsWeights(bytes, load, '--load');
  const weights = readWeights(bytes, load);
  if (weights.description) {
    check(str('images') === undefined && str('first') === undefined, `${load} holds linear-regression weights: give --x VALUES or --csv FILE, not --images or --first`);
    const rows = str('x') !== undefined ? rowsOfValues(str('x')!, weights.description) : await rowsOfCsv(str('csv')!, weights.description);
    printRegression(rows, weights.values, weights.description, str('x') !== undefined ? '--x' : `--csv ${str('csv')}`);
  } else {
    check(str('images') !== undefined, `${load} holds softmax-classifier weights: give --images FILE (an IDX file of images)`);
    printClassifier(str('images')!, str('first'), weights.values, weights.features);
  }
}

/** --x: values in the features' order, D to a row. */
function rowsOfValues(text: string, d: RegressionDescription): number[][] {
  const values = text.trim().split(/\s*[,;]\s*|\s+/).map((v, i) => {
    check(v !== '', `--x: empty value at position ${i + 1}`);
    const x = decimal(v);
    check(Number.isFinite(x), `--x: '${v}' is not a finite number`);
    return x;
  });
  const D = d.names.length;
  check(values.length > 0 && values.length % D === 0, `--x: ${values.length} values; the model has ${D} features (${d.names.join(', ')}), so give ${D} per row`);
  return Array.from({ length: values.length / D }, (_, r) => values.slice(r * D, (r + 1) * D));
}

/** --csv: each row's values of the weights' features, found by the header's names. */
async function rowsOfCsv(path: string, d: RegressionDescription): Promise<number[][]> {
  const { columns, rows } = await parseCsvColumns(readInput(path, `--csv ${path}`), path, d.names);
  return Array.from({ length: rows }, (_, r) => d.names.map((_, j) => columns[j]![r]!));
}

/** Each row's prediction, all of them finite: one that overflows is refused (naming its row) before any is printed. */
function predictions(rows: number[][], values: Float64Array, D: number, input: string): number[] {
  return rows.map((x, r) => {
    const y = x.reduce((a, v, j) => a + v * values[j]!, values[D]!);
    check(Number.isFinite(y), `${input}, row ${r + 1}: the prediction is not finite (it overflows float64)`);
    return y;
  });
}

function printRegression(rows: number[][], values: Float64Array, d: RegressionDescription, input: string): void {
  const y = predictions(rows, values, d.names.length, input);
  if (input === '--x') {
    rows.forEach((x, r) => console.log(`${x.map((v, j) => `${d.names[j]} = ${v}`).join(', ')}: ${d.target} = ${y[r]!.toPrecision(6)}`));
    return;
  }
  console.log(`${d.names.join(',')},${d.target} (predicted)`);
  rows.forEach((x, r) => console.log(`${x.join(',')},${y[r]}`));
}

function printClassifier(path: string, firstText: string | undefined, values: Float64Array, features: number): void {
  const first = firstText === undefined ? 10 : Number(firstText);
  check(firstText === undefined || (/^\s*\d+\s*$/.test(firstText) && Number.isSafeInteger(first) && first >= 1), `--first must be a whole number of at least 1, got '${firstText}'`);
  const idx = parseImages(readIdxFile(path), path);
  const count = idx.dims[0]!;
  check(idx.dims[1]! * idx.dims[2]! === features, `${path}: images of ${idx.dims.slice(1).join('x')} pixels; the weights take ${features}`);
  check(firstText === undefined || first <= count, `--first ${first}: ${path} holds only ${count} images`);
  const n = Math.min(first, count);
  const logits = forwardRef(idx.data, features, Uint32Array.from({ length: n }, (_, i) => i), 0, n, values);
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.subarray(i * CLASSES, (i + 1) * CLASSES));
    const top = Math.max(...row);
    const e = row.map((z) => Math.exp(z - top));
    const sum = e.reduce((a, v) => a + v, 0);
    const p = e.map((v) => v / sum);
    const best = p.indexOf(Math.max(...p));
    console.log(`image ${i}: class ${best} (p ${p[best]!.toFixed(3)})  probabilities ${p.map((v) => v.toFixed(3)).join(' ')}`);
  }
  if (n < count) console.log(`(${n} of ${count} images; --first N for more)`);
}

runCommand('predict', main, 'once its output is written');
