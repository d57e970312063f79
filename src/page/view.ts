/** Renders results into the page: charts (the benchmark's own SVG), tables, digits. */
import type { Dataset } from '../data/dataset';
import { count, percent, seconds } from '../format';
import { type BenchResults, MAIN_ENGINE } from '../measure/results';
import { CLASSES, IMAGE_SIDE } from '../model';
import { engineRuns } from '../report/analysis';
import { type PlotFiles, charts } from '../report/bench-report';
import { lineChart } from '../report/svg';
import type { RegressionParameters } from '../data/parameters';
import { bestRun } from '../train/sweep';
import type { SweepView } from './protocol';


function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

const CHART_IDS: Record<keyof PlotFiles, string> = { lossVsTime: 'chart-time', lossVsSamples: 'chart-samples', throughput: 'chart-throughput' };

export function renderCharts(r: BenchResults): void {
  const all = charts(r);
  for (const key of Object.keys(CHART_IDS) as Array<keyof PlotFiles>) {
    const chart = all[key];
    const drawable = chart.series.some((s) => s.points.some(([x, y]) => x > 0 && y > 0));
    byId(CHART_IDS[key]).innerHTML = drawable ? lineChart(chart) : '';
  }
}

export function renderResultsTable(r: BenchResults): void {
  const table = byId<HTMLTableElement>('results');
  const regression = r.config.task === 'regression';
  const metric = (x: number) => (regression ? x.toFixed(4) : percent(x));
  const heads = ['batch', 'lr', 'samples/s', 'updates/s', 'epoch time', `time to loss ≤ ${Number(r.config.targetLoss.toPrecision(4))}`,
    `time to test ${regression ? 'R²' : 'acc'} ≥ ${metric(r.config.targetAccuracy)}`, 'final loss', regression ? 'test R²' : 'test accuracy'];
  table.tHead!.innerHTML = `<tr>${heads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr>`;
  const rows = engineRuns(r, MAIN_ENGINE).map((x) => {
    const t = x.throughput;
    const c = x.curve;
    const last = c?.history.at(-1);
    const reach = (v: { trainMs: number } | null | undefined) => (v ? seconds(v.trainMs) : c && c.evalMs > 0 ? 'not reached' : '…');
    const cells = [
      count(x.batchSize), String(x.lr), t ? count(t.samplesPerSecond.median) : '…', t ? (t.updatesPerSecond.median >= 10 ? count(t.updatesPerSecond.median) : t.updatesPerSecond.median.toFixed(2)) : '…',
      t ? seconds(t.epochMs) : '…', reach(c?.toTargetLoss), reach(c?.toTargetAccuracy), last ? last.loss.toFixed(4) : '…', last?.testAccuracy !== undefined ? metric(last.testAccuracy) : '…',
    ];
    return `<tr data-batch="${x.batchSize}">${cells.map((v, i) => (i === 0 ? `<th scope="row">${v}</th>` : `<td>${v}</td>`)).join('')}</tr>`;
  });
  table.tBodies[0]!.innerHTML = rows.join('');
}

export function renderConfusion(confusion: Uint32Array, which: string): void {
  byId('confusion-which').textContent = which;
  const head = `<tr><th scope="col">true \\ predicted</th>${Array.from({ length: CLASSES }, (_, c) => `<th scope="col">${c}</th>`).join('')}</tr>`;
  const rows = Array.from({ length: CLASSES }, (_, t) => {
    const cells = Array.from({ length: CLASSES }, (_, p) => `<td${t === p ? ' class="diagonal"' : ''}>${confusion[t * CLASSES + p]}</td>`).join('');
    return `<tr><th scope="row">${t}</th>${cells}</tr>`;
  });
  byId<HTMLTableElement>('confusion').innerHTML = `<caption>Rows: true digit; columns: predicted digit (test set)</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody>`;
}

/** Digits `indices` of the test set with their predicted and true labels; mistakes outlined. */
export function renderDigits(test: Dataset, indices: readonly number[], predicted: readonly number[]): void {
  const list = byId<HTMLOListElement>('digits');
  list.innerHTML = '';
  indices.forEach((index, k) => {
    const truth = test.labels[index]!;
    const item = document.createElement('li');
    const wrong = predicted[k] !== truth;
    item.className = wrong ? 'mistake' : 'correct';
    const canvas = document.createElement('canvas');
    canvas.width = IMAGE_SIDE;
    canvas.height = IMAGE_SIDE;
    const ctx = canvas.getContext('2d')!;
    const image = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
    for (let p = 0; p < IMAGE_SIDE * IMAGE_SIDE; p++) {
      const v = 255 - test.images[index * test.features + p]!;
      image.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(image, 0, 0);
    canvas.setAttribute('aria-hidden', 'true');
    const caption = document.createElement('div');
    caption.textContent = `predicted ${predicted[k]}, true ${truth}`;
    item.setAttribute('aria-label', `test image ${index}: predicted ${predicted[k]}, true ${truth}${wrong ? ', a mistake' : ''}`);
    item.append(canvas, caption);
    list.append(item);
  });
}

/** The learned regression: the formula, and every weight with its feature's name (in the data's units). */
export function renderParameters(p: RegressionParameters, which: string): void {
  const b = p.intercept === null ? '' : ` ${p.intercept < 0 ? '−' : '+'} ${Math.abs(p.intercept).toPrecision(4)}`;
  const shown = p.weights.length <= 3
    ? p.weights.map((w, j) => `${j === 0 ? '' : w < 0 ? ' − ' : ' + '}${(j === 0 ? w : Math.abs(w)).toPrecision(4)}·${p.names[j]}`).join('')
    : `Σ wⱼ·xⱼ (${p.weights.length} weights below)`;
  byId('parameters-which').textContent = `(${which})`;
  byId('parameters-formula').textContent = `${p.target} ≈ ${shown}${b}`;
  const rows = p.weights.map((w, j) => `<tr><th scope="row">${escapeHtml(p.names[j]!)}</th><td>${w.toPrecision(6)}</td></tr>`);
  if (p.intercept !== null) rows.push(`<tr><th scope="row">intercept</th><td>${p.intercept.toPrecision(6)}</td></tr>`);
  byId<HTMLTableElement>('parameters').innerHTML = `<caption>Learned weights, in the data's units</caption><thead><tr><th scope="col">feature</th><th scope="col">weight</th></tr></thead><tbody>${rows.join('')}</tbody>`;
}

/** A sweep's configurations: one row each, and their training loss against epochs on one chart. */
export function renderSweep(view: SweepView): void {
  const regression = view.task === 'regression';
  const metric = (x: number | undefined) => (x === undefined ? '' : regression ? x.toFixed(4) : percent(x));
  const heads = ['batch', 'optimizer', 'lr', 'final training loss', regression ? 'test R²' : 'test accuracy'];
  const best = bestRun(view.runs);
  const rows = view.runs.map((r) => {
    const last = r.history.at(-1)!;
    const cells = [count(r.batchSize), r.optimizer, String(r.lr), r.diverged ? 'diverged' : last.loss.toFixed(4), r.diverged ? '' : metric(last.testAccuracy)];
    return `<tr${r === best ? ' class="best"' : ''}>${cells.map((v, i) => (i === 0 ? `<th scope="row">${v}</th>` : `<td>${v}</td>`)).join('')}</tr>`;
  });
  byId<HTMLTableElement>('sweep').innerHTML = `<caption>Every configuration, trained at once per batch size (best outlined)</caption><thead><tr>${heads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody>`;
  const series = view.runs.filter((r) => !r.diverged).map((r) => ({ name: `batch ${count(r.batchSize)}, ${r.optimizer}, lr ${r.lr}`, points: r.history.map((h): [number, number] => [h.epoch, h.loss]) }));
  byId('chart-sweep').innerHTML = series.some((s) => s.points.length > 0) ? lineChart({ title: 'training loss against epochs', xLabel: 'epochs', yLabel: 'training loss', yLog: true, series }) : '';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
