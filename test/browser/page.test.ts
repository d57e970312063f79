/**
 * The page in a real browser: headless Debian Chromium (playwright-core, no browser download)
 * with WebGPU on SwiftShader, against the built page served on localhost. It trains a small
 * configuration and checks the loss falls, the accuracy, the charts, tables and digits, the JSON
 * download; regression (synthetic, and a sweep on an uploaded CSV) with its learned parameters,
 * trained in the page's worker; then that a browser without WebGPU gets the explanation and
 * nothing crashes. Screenshots at desktop and phone widths go to test-results/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BenchResults } from '../../src/measure/results';
import { launchChromium } from '../helpers/chromium';
import { nodeArgs } from '../helpers/cli';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'downhill-page-'));
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  server = createServer((req, res) => {
    const path = normalize(join(dist, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    const file = path.startsWith(dist) && statSync(path, { throwIfNoEntry: false })?.isFile() ? path : join(dist, 'index.html');
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** y = 2x + 1 + a little noise, 400 rows, as a CSV file with a header. */
function lineCsv(): { dir: string; csv: string } {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-page-csv-'));
  const csv = join(dir, 'line.csv');
  const rows = Array.from({ length: 400 }, (_, i) => {
    const x = (i % 40) / 4 - 5;
    return `${x},${2 * x + 1 + 0.1 * Math.sin(7 * i)}`;
  });
  writeFileSync(csv, `x,y\n${rows.join('\n')}\n`);
  return { dir, csv };
}

/** A desktop-sized page, loaded and ready to train, with the errors it throws collected. */
async function readyPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  return { context, page, errors };
}

describe('the page in Chromium', () => {
  test('trains batch sizes 10 and 100 and shows the comparison', async () => {
    const { context, page, errors } = await readyPage();
    // through the labels and the keyboard, as a screen-reader or keyboard user would
    await page.getByLabel(/Batch sizes/).fill('10,100');
    await page.getByLabel(/Budget per batch size/).fill('1.5');
    await page.getByLabel(/Budget per batch size/).press('Enter');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
    expect(await page.textContent('#error')).toBe('');
    expect(await page.getAttribute('body', 'data-state')).toBe('done');
    expect(await page.textContent('#adapter')).toMatch(/swiftshader/i);

    const results = (await page.evaluate(() => window.downhillResults)) as BenchResults;
    const runs = results.engines[0]!.runs;
    expect(runs.map((r) => r.batchSize)).toEqual([10, 100]);
    for (const run of runs) {
      const history = run.curve!.history;
      expect(history[0]!.loss).toBeCloseTo(Math.log(10), 4);
      expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss * 0.3);
      expect(run.throughput!.samplesPerSecond.median).toBeGreaterThan(0);
    }
    // 1.5 s of batch 100 reaches about 90% in Node on this machine; the browser is slower per step
    expect(runs[1]!.curve!.history.at(-1)!.testAccuracy).toBeGreaterThan(0.8);

    // charts drawn with a line per batch size, the table and the confusion matrix filled in
    expect(await page.locator('#chart-time svg polyline').count()).toBe(2);
    expect(await page.locator('#chart-throughput svg polyline').count()).toBe(1);
    const rows = page.locator('#results tbody tr');
    expect(await rows.count()).toBe(2);
    const speed = Math.round(runs[1]!.throughput!.samplesPerSecond.median).toLocaleString('en-US');
    expect(await rows.nth(1).textContent()).toContain(speed);
    const cells = await page.locator('#confusion tbody td').allTextContents();
    expect(cells).toHaveLength(100);
    expect(cells.reduce((a, c) => a + Number(c), 0)).toBe(10000);
    expect(await page.locator('#digits li').count()).toBe(32);
    expect(await page.locator('#digits li.mistake').count()).toBeGreaterThan(0);

    // the download is the same results, in the Node benchmark's schema
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const downloaded = JSON.parse(readFileSync((await download.path())!, 'utf8')) as BenchResults;
    expect(downloaded.schema).toBe('downhill-bench/1');
    expect(downloaded.adapter.runtime).toBe('browser');
    expect(downloaded.engines[0]!.runs.map((r) => r.throughput!.samplesPerSecond.median)).toEqual(runs.map((r) => r.throughput!.samplesPerSecond.median));

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/page.png', fullPage: true });
    // a phone-sized screen: everything fits the width (wide tables scroll inside their box)
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-results/page-phone.png', fullPage: false });
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  test('a second submit during a run (form.requestSubmit) is ignored: the run ends as one, without an error', async () => {
    const { context, page, errors } = await readyPage();
    await page.getByLabel(/Batch sizes/).fill('100');
    await page.getByLabel(/Budget per batch size/).fill('1');
    await page.getByLabel(/Budget per batch size/).press('Enter');
    await page.waitForSelector('body[data-state="running"]', { timeout: 60_000 });
    // once the engine is made and training on it (its status no longer says what it is loading or starting)
    await page.waitForFunction(() => !/Loading|Starting/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 120_000 });
    // what a script or an extension can do while the Train button is disabled
    await page.evaluate(() => (document.getElementById('settings') as HTMLFormElement).requestSubmit());
    await page.evaluate(() => (document.getElementById('settings') as HTMLFormElement).requestSubmit());
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
    // a second job, had it been sent, would be training on the same engine ('n is not iterable'): give it time to fail
    await page.waitForTimeout(3000);
    expect(await page.textContent('#error')).toBe('');
    expect(await page.getAttribute('body', 'data-state')).toBe('done');
    expect(await page.textContent('#status')).toMatch(/^Done: 1 batch sizes trained/);
    const results = (await page.evaluate(() => window.downhillResults)) as BenchResults;
    expect(results.engines[0]!.runs.map((r) => r.batchSize)).toEqual([100]);
    expect(errors).toEqual([]);
    await context.close();
   }, 300_000);

  test('trains linear regression through the same path: R², no confusion matrix or digits', async () => {
    const { context, page, errors } = await readyPage();
    await page.getByLabel('Model').selectOption('regression');
    await page.getByLabel(/Batch sizes/).fill('10,1000');
    await page.getByLabel(/Budget per batch size/).fill('1');
    await page.getByLabel(/Budget per batch size/).press('Enter');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
    expect(await page.textContent('#error')).toBe('');
    const results = (await page.evaluate(() => window.downhillResults)) as BenchResults;
    expect(results.config.task).toBe('regression');
    expect(results.engines[0]!.examples).toBe(16_000);
    for (const run of results.engines[0]!.runs) {
      const history = run.curve!.history;
      expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss * 0.1);
      // y = X·θ + 1 + 0.5·ε with 50 standard-normal features: R² can reach about 0.995
      expect(history.at(-1)!.testAccuracy).toBeGreaterThan(0.9);
    }
    expect(await page.locator('#results thead').textContent()).toMatch(/time to loss ≤ 0\.1375.*time to test R² ≥ 0\.9500.*test R²/);
    expect(await page.locator('#chart-time svg polyline').count()).toBe(2);
    expect(await page.isVisible('#confusion-section')).toBe(false);
    expect(await page.isVisible('#digits-section')).toBe(false);
    // the learned parameters: 50 weights (θ ~ N(0, 1)) and the intercept, near 1
    expect(await page.isVisible('#parameters-section')).toBe(true);
    expect(await page.locator('#parameters tbody tr').count()).toBe(51);
    expect(Number(await page.locator('#parameters tbody tr').last().locator('td').textContent())).toBeCloseTo(1, 1);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  test('a sweep on an uploaded CSV, trained in a worker: every configuration, the learned line, the CLI\'s JSON', async () => {
    const { dir, csv } = lineCsv();
    const { context, page, errors } = await readyPage();
    await page.getByLabel('Model').selectOption('csv');
    await page.getByLabel(/CSV file/).setInputFiles(csv);
    await page.getByLabel('Column to predict').fill('y');
    await page.getByLabel('What to run').selectOption('sweep');
    await page.getByLabel(/Optimizers/).fill('sgd,adam');
    await page.getByLabel(/Batch sizes/).fill('10,full');
    await page.getByLabel(/Learning rates/).fill('0.01,0.1');
    await page.getByLabel('budget unit').selectOption('epochs');
    await page.getByLabel(/Budget per batch size/).fill('20');
    await page.click('#train');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
    expect(await page.textContent('#error')).toBe('');
    // the training ran in the page's worker, not on the main thread
    expect(page.workers().map((w) => w.url())).toEqual([expect.stringMatching(/worker/)]);
    expect(await page.locator('#sweep tbody tr').count()).toBe(8);
    expect(await page.locator('#sweep tbody tr.best').count()).toBe(1);
    expect(await page.locator('#chart-sweep svg polyline').count()).toBe(8);
    expect(await page.isVisible('#compare-sections')).toBe(false);
    const formula = (await page.textContent('#parameters-formula'))!;
    const [, w, b] = /^y ≈ (-?[\d.]+)·x \+ ([\d.]+)$/.exec(formula) ?? [];
    expect(Number(w)).toBeCloseTo(2, 1);
    expect(Number(b)).toBeCloseTo(1, 1);

    // the download is the sweep's record as train --sweep --json writes it: the same fields
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const downloaded = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown> & { runs: Array<Record<string, unknown>>; config: Record<string, unknown> };
    const cliJson = join(dir, 'cli.json');
    const cli = spawnSync(process.execPath, nodeArgs('train', ['--sweep', '--task', 'regression', '--csv', csv, '--target', 'y', '--backend', 'cpu',
      '--lrs', '0.01,0.1', '--batch-sizes', '10,full', '--optimizers', 'sgd,adam', '--epochs', '20', '--json', cliJson]), { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const fromCli = JSON.parse(readFileSync(cliJson, 'utf8')) as typeof downloaded;
    expect(Object.keys(downloaded)).toEqual(Object.keys(fromCli));
    expect(Object.keys(downloaded.config)).toEqual(Object.keys(fromCli.config));
    expect(Object.keys(downloaded.runs[0]!)).toEqual(Object.keys(fromCli.runs[0]!));
    expect(downloaded.schema).toBe('downhill-sweep/1');
    expect(downloaded.runs.map((r) => [r.batchSize, r.optimizer, r.lr])).toEqual(fromCli.runs.map((r) => [r.batchSize, r.optimizer, r.lr]));

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/page-sweep.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-results/page-sweep-phone.png', fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  test('a batch-size comparison on a CSV: its loss target is 10% above the lowest loss reached', async () => {
    const { csv } = lineCsv();
    const { context, page, errors } = await readyPage();
    await page.getByLabel('Model').selectOption('csv');
    await page.getByLabel(/CSV file/).setInputFiles(csv);
    await page.getByLabel(/Batch sizes/).fill('10,full');
    await page.getByLabel(/Budget per batch size/).fill('0.5');
    await page.click('#train');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
    expect(await page.textContent('#error')).toBe('');
    const results = (await page.evaluate(() => window.downhillResults)) as BenchResults;
    const lowest = Math.min(...results.engines[0]!.runs.flatMap((r) => r.curve!.history.map((h) => h.loss)));
    expect(results.config.targetLoss).toBeCloseTo(1.1 * lowest, 10);
    expect(results.engines[0]!.runs.some((r) => r.curve!.toTargetLoss !== null)).toBe(true);
    expect(await page.locator('#results thead').textContent()).toContain(`time to loss ≤ ${Number(results.config.targetLoss.toPrecision(4))}`);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  test('without WebGPU it explains what to enable, and nothing crashes', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(origin);
    await page.waitForSelector('body[data-state="no-webgpu"]', { timeout: 30_000 });
    expect(await page.isVisible('#unsupported')).toBe(true);
    expect(await page.textContent('#unsupported')).toMatch(/WebGPU is not available.*enable-unsafe-webgpu/s);
    expect(await page.isDisabled('#train')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when no adapter is granted, pressing Train explains it and nothing crashes', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      GPU.prototype.requestAdapter = async () => null;
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(origin);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await page.click('#train');
    await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent('#error')).toMatch(/granted no adapter.*chrome:\/\/gpu.*enable-unsafe-webgpu/);
    expect(await page.isDisabled('#train')).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
