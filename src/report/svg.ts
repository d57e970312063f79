/**
 * Line charts as standalone SVG text (no native dependencies): linear or log axes, one polyline
 * with point markers per series (or the markers alone: a scatter), a legend; charts side by side.
 * Points with a non-positive coordinate on a log axis cannot be drawn and are left out.
 */
export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
  /** draw the markers without the line through them (a scatter of data) */
  markersOnly?: boolean;
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: Series[];
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 78, right: 190, top: 40, bottom: 56 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** Tick values: powers of ten (and 2, 5 between them when the range is short) on log axes; round steps on linear ones. */
export function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    const lo = Math.floor(Math.log10(min));
    const hi = Math.ceil(Math.log10(max));
    const mantissas = hi - lo <= 2 ? [1, 2, 5] : [1];
    for (let e = lo; e <= hi; e++) for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
    return out;
  }
  const span = max - min || Math.abs(max) || 1;
  const raw = span / 5;
  const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => span / s <= 6)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** The 1-2-5 grid value at or below (down) or at or above (up) v > 0. */
export function niceLog(v: number, direction: 'down' | 'up'): number {
  const e = Math.floor(Math.log10(v));
  const grid = [1, 2, 5, 10].map((m) => m * 10 ** e);
  return direction === 'down' ? grid.filter((g) => g <= v * 1.000001).pop()! : grid.find((g) => g >= v * 0.999999)!;
}

export function lineChart(c: Chart): string {
  const usable = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!c.xLog || p[0] > 0) && (!c.yLog || p[1] > 0);
  const series = c.series.map((s) => ({ ...s, points: s.points.filter(usable) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error(`chart '${c.title}' has no points to draw`);
  const tx = (v: number) => (c.xLog ? Math.log10(v) : v);
  const ty = (v: number) => (c.yLog ? Math.log10(v) : v);
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  if (x0 === x1) [x0, x1] = c.xLog ? [x0 / 2, x1 * 2] : [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = c.yLog ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  if (!c.yLog) y0 = Math.min(y0, 0);
  // log axes end on 1-2-5 values, so that there are ticks at both ends
  if (c.xLog) [x0, x1] = [niceLog(x0, 'down'), niceLog(x1, 'up')];
  if (c.yLog) [y0, y1] = [niceLog(y0, 'down'), niceLog(y1, 'up')];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (v: number) => MARGIN.left + ((tx(v) - tx(x0)) / (tx(x1) - tx(x0))) * plotW;
  const py = (v: number) => MARGIN.top + plotH - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0))) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="22" text-anchor="middle" font-size="15">${escape(c.title)}</text>`,
  ];
  for (const v of ticks(x0, x1, !!c.xLog)) {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of ticks(y0, y1, !!c.yLog)) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escape(c.xLabel)}${c.xLog ? ' (log scale)' : ''}</text>`);
  parts.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(c.yLabel)}${c.yLog ? ' (log scale)' : ''}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const coords = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    if (coords.length > 1 && !s.markersOnly) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${coords.join(' ')}"/>`);
    for (const p of coords) {
      const [x, y] = p.split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`);
    }
    const ly = MARGIN.top + 10 + i * 20;
    const lx = MARGIN.left + plotW + 14;
    if (s.markersOnly) parts.push(`<circle cx="${lx + 11}" cy="${ly}" r="3" fill="${color}"/>`);
    else parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Charts in one row, as one SVG: each chart is a nested <svg> placed at its offset. */
export function sideBySide(charts: Chart[]): string {
  const panels = charts.map((c, i) => lineChart(c).trimEnd().replace(/^<svg /, `<svg x="${i * WIDTH}" y="0" `));
  const width = WIDTH * charts.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}">\n${panels.join('\n')}\n</svg>\n`;
}
