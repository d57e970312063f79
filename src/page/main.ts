/**
 * The page's main thread: reads the form, hands the job to the training worker (worker.ts, which
 * loads the data, owns the WebGPU device and trains with the same engine, measurements and WGSL
 * as Node) and draws what it reports: the batch-size comparison live, a sweep's configurations,
 * the trained model (confusion matrix and digits, or the learned parameters), and the results
 * as the JSON the CLI writes. Nothing that takes time runs here, so the page never stalls.
 */
import { adapterLabel } from '../device/adapter-info';
import { acquireBrowserAdapter } from '../device/adapter-browser';
import { ReportedError, check } from '../errors';
import type { BenchResults } from '../measure/results';
import type { OptimizerKind } from '../optim/optimizer';
import { type BatchSizeOption, batchSizeFromText, checkTrainOptions, lrFromText, seedFromText, textNaming } from '../train/options';
import type { DataChoice, FromWorker, Job, TrainedModel } from './protocol';
import { renderCharts, renderConfusion, renderDigits, renderParameters, renderResultsTable, renderSweep } from './view';

declare global {
  interface Window {
    /** the latest comparison's results, for tests and the curious */
    downhillResults?: BenchResults;
    /** the latest download's JSON text (a comparison's downhill-bench/1 or a sweep's downhill-sweep/1) */
    downhillDownload?: string;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const setState = (state: string) => (document.body.dataset.state = state);
const status = (text: string) => ($('status').textContent = text);

function showError(message: string): void {
  const el = $('error');
  el.textContent = message;
  el.hidden = false;
}

type Form = HTMLFormElement;
const value = (form: Form, name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
const list = (text: string) => text.split(',').map((s) => s.trim());

async function readData(form: Form): Promise<DataChoice> {
  const model = value(form, 'task');
  if (model === 'classification') return { source: 'mnist' };
  if (model === 'regression') return { source: 'synthetic' };
  const file = ($<HTMLInputElement>('csv-file').files ?? [])[0];
  check(file !== undefined, 'choose a CSV file to train on (a header row of column names, then numbers)');
  return { source: 'csv', name: file!.name, bytes: new Uint8Array(await file!.arrayBuffer()), target: value(form, 'csv-target') };
}

async function readJob(form: Form): Promise<Job> {
  const data = await readData(form);
  const batchSizes: BatchSizeOption[] = list(value(form, 'batch-sizes')).map((t) => batchSizeFromText(t));
  const lrText = value(form, 'lrs');
  const budget = Number(value(form, 'budget'));
  check(Number.isFinite(budget) && budget > 0, `the budget must be a positive number, got '${value(form, 'budget')}'`);
  const epochs = value(form, 'budget-unit') === 'epochs';
  if (epochs) check(Number.isInteger(budget), `a budget in epochs must be a whole number, got ${budget}`);
  const seed = seedFromText(value(form, 'seed'));
  if (value(form, 'mode') === 'sweep') {
    check(lrText !== '', 'a sweep needs its learning rates: every one is trained with every batch size and optimizer');
    check(epochs, 'a sweep trains every configuration for the same number of epochs: choose epochs as the budget\'s unit');
    const optimizers = list(value(form, 'optimizers')).map((o) => {
      checkTrainOptions({ optimizer: { kind: o as OptimizerKind } }, textNaming(o));
      return o as OptimizerKind;
    });
    return { kind: 'sweep', data, lrs: list(lrText).map((t) => lrFromText(t)), batchSizes, optimizers, epochs: budget, seed };
  }
  // none given: each batch size's default, derived from the data once it is loaded (runSweep)
  const lrs = lrText === '' ? batchSizes.map(() => null) : list(lrText).map((t) => lrFromText(t));
  check(lrs.length === batchSizes.length, `${lrs.length} learning rates for ${batchSizes.length} batch sizes: give one per batch size, or none`);
  return {
    kind: 'compare', data,
    settings: { task: data.source === 'mnist' ? 'classification' : 'regression', runs: batchSizes.map((batchSize, i) => ({ batchSize, lr: lrs[i]! })), budgetMs: epochs ? undefined : budget * 1000, budgetEpochs: epochs ? budget : undefined, seed },
  };
}

function explainNoWebGpu(): void {
  const notice = $('unsupported');
  notice.innerHTML =
    '<strong>WebGPU is not available in this browser.</strong> downhill needs it to train on your GPU. ' +
    'Use a recent Chrome or Edge (version 113 or later) on a page served over https or from localhost. ' +
    'On Linux, WebGPU may need to be switched on at <code>chrome://flags/#enable-unsafe-webgpu</code>; ' +
    '<code>chrome://gpu</code> shows its status.';
  notice.hidden = false;
  status('WebGPU is not available: nothing can be trained here.');
  setState('no-webgpu');
}

/** The form's fields for what is chosen: a CSV's file and target, a sweep's optimizers. */
function showFields(form: Form): void {
  $('csv-fields').hidden = value(form, 'task') !== 'csv';
  $('sweep-fields').hidden = value(form, 'mode') !== 'sweep';
}

function showModel(model: TrainedModel): void {
  const classifier = model.kind === 'classifier';
  $('confusion-section').hidden = !classifier;
  $('digits-section').hidden = !classifier;
  $('parameters-section').hidden = classifier;
  if (model.kind === 'regression') return renderParameters(model.parameters, model.which);
  renderConfusion(model.confusion, `(${model.which}: ${(model.accuracy * 100).toFixed(2)}% correct)`);
  const d = model.digits;
  renderDigits({ images: d.images, labels: d.labels, count: d.labels.length, features: d.images.length / d.labels.length }, Array.from(d.labels, (_, i) => i), d.predicted);
}

function main(): void {
  const form = $<Form>('settings');
  const trainButton = $<HTMLButtonElement>('train');
  const downloadButton = $<HTMLButtonElement>('download');
  showFields(form);
  form.addEventListener('change', () => showFields(form));
  if (!('gpu' in navigator) || !navigator.gpu) return explainNoWebGpu();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  let download: { name: string; json: string } | undefined;
  let pending: BenchResults | undefined;
  // from a submit until its job ends: another submit (form.requestSubmit() works with the button
  // disabled) is ignored, since two jobs on one engine at once corrupt each other
  let busy = false;
  const finish = (state: string) => {
    busy = false;
    trainButton.disabled = false;
    setState(state);
  };
  worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'ready':
        // MNIST loaded: news only before the first job (a job started earlier waits for the same load)
        if (busy) return;
        status(m.text);
        return finish('ready');
      case 'status':
        return status(m.text);
      case 'adapter':
        $('adapter').textContent = m.label;
        return;
      case 'compare':
        // drawn at the next frame, once however many updates arrived before it
        if (!pending) requestAnimationFrame(() => {
          if (pending) (renderCharts(pending), renderResultsTable(pending));
          pending = undefined;
        });
        pending = m.results;
        return;
      case 'sweep':
        $('sweep-section').hidden = false;
        return renderSweep(m.view);
      case 'done':
        pending = undefined;
        if (m.results) {
          renderCharts(m.results);
          renderResultsTable(m.results);
          window.downhillResults = m.results;
        }
        showModel(m.model);
        download = m.download;
        window.downhillDownload = m.download.json;
        downloadButton.disabled = false;
        status(m.summary);
        return finish('done');
      case 'error':
        showError(m.message);
        status('Stopped by an error.');
        return finish('error');
    }
  });
  worker.addEventListener('error', (e) => {
    showError(`the training worker failed: ${e.message}`);
    finish('error');
  });
  worker.postMessage({ kind: 'preload' } satisfies Job);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    $('error').hidden = true;
    void (async () => {
      let job: Job;
      try {
        job = await readJob(form);
        // the worker asks for its own adapter; asking here first explains a refusal at once
        const { report } = await acquireBrowserAdapter();
        $('adapter').textContent = `Adapter: ${adapterLabel(report)}`;
      } catch (e) {
        showError(e instanceof ReportedError ? e.message : (e as Error).message);
        return finish('error');
      }
      trainButton.disabled = true;
      downloadButton.disabled = true;
      $('sweep-section').hidden = job.kind !== 'sweep';
      $('compare-sections').hidden = job.kind !== 'compare';
      setState('running');
      worker.postMessage(job);
    })();
  });

  downloadButton.addEventListener('click', () => {
    if (!download) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([download.json], { type: 'application/json' }));
    link.download = download.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
}

main();
