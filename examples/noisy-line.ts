/**
 * The report half of examples/noisy-line.sh: from the train command's --json run and the CSV it
 * trained on, prints the training loss at every epoch and writes the plot (the data with the
 * fitted line, beside the loss curve).
 *
 *   npx tsx examples/noisy-line.ts RUN.json DATA.csv PLOT.svg
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCsv } from '../src/data/regression';
import type { RegressionParameters } from '../src/data/parameters';
import type { RunReport } from '../src/io/run-report';
import { type Chart, sideBySide } from '../src/report/svg';

/** Six significant digits: float32 training agrees with float64 to about that. */
const shown = (v: number) => v.toPrecision(6);

function regressionParameters(run: RunReport, path: string): RegressionParameters {
  const p = run.parameters;
  if (p?.model !== 'linear-regression') throw new Error(`${path}: not a finished linear-regression run`);
  return p;
}

/** One row per recording; with full batches and --record-every 1 that is one per epoch, from epoch 0 (the start). */
function lossTable(run: RunReport): string[] {
  return ['epoch  loss (mean squared error)', ...run.history.map((h) => `${String(h.epoch).padStart(5)}  ${shown(h.loss)}`)];
}

function dataAndFit(x: Float64Array, y: Float64Array, p: RegressionParameters): Chart {
  const w = p.weights[0]!;
  const b = p.intercept ?? 0;
  const ends = [Math.min(...x), Math.max(...x)];
  return {
    title: 'The data and the fitted line', xLabel: 'x', yLabel: 'y',
    series: [
      { name: 'data', points: Array.from(x, (v, i) => [v, y[i]!] as const), markersOnly: true },
      { name: `fit: ${w.toPrecision(4)}x + ${b.toPrecision(4)}`, points: ends.map((v) => [v, w * v + b] as const) },
      { name: 'truth: 2x + 1', points: ends.map((v) => [v, 2 * v + 1] as const), dashed: true },
    ],
  };
}

function lossCurve(run: RunReport): Chart {
  return {
    title: 'Training loss, full-batch gradient descent', xLabel: 'epoch', yLabel: 'mean squared error',
    series: [{ name: 'loss', points: run.history.map((h) => [h.epoch, h.loss] as const) }],
  };
}

async function main(): Promise<void> {
  const [runPath, csvPath, plotPath] = process.argv.slice(2);
  if (!runPath || !csvPath || !plotPath) throw new Error('usage: npx tsx examples/noisy-line.ts RUN.json DATA.csv PLOT.svg');
  const run = JSON.parse(readFileSync(runPath, 'utf8')) as RunReport;
  const data = await parseCsv(readFileSync(csvPath), csvPath, 'y');
  console.log(lossTable(run).join('\n'));
  writeFileSync(plotPath, sideBySide([dataAndFit(data.x, data.y, regressionParameters(run, runPath)), lossCurve(run)]));
  // the plot's place changes from run to run: on stderr, so that stdout is the same every time
  console.error(`plot: ${plotPath}`);
}

await main();
