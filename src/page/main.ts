/**
 * The page: loads MNIST from the page's own origin (or makes synthetic regression rows), trains
 * the chosen batch sizes one after another on navigator.gpu with the same engine, measurements
 * and WGSL files as Node, and shows the comparison live. Training runs on the main thread and yields at every GPU completion it awaits
 * (about a hundred per epoch), so the page stays responsive.
 */
import { createEngine } from '../api/engine';
import type { Backend } from '../backend/backend';
import { syntheticData } from '../data/regression-data';
import { type TrainingData, classificationData } from '../data/training-data';
import { DEFAULT_TARGETS } from '../measure/curve';
import type { Dataset } from '../data/dataset';
import { IDX_FILES, datasetFromIdx } from '../data/load';
import { adapterLabel } from '../device/adapter-info';
import { openBrowserDevice } from '../device/open-browser';
import { UserError, check } from '../errors';
import type { BenchResults } from '../measure/results';
import { forwardRef } from '../reference/forward';
import { type BatchSizeOption, parseBatchSize, parseLearningRate, parseSeed } from '../train/options';
import { type SweepSettings, runSweep } from './sweep';
import { renderCharts, renderConfusion, renderDigits, renderResultsTable } from './view';

declare global {
  interface Window {
    /** the latest results, for tests and the curious */
    downhillResults?: BenchResults;
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

async function loadSplit(split: keyof typeof IDX_FILES): Promise<Dataset> {
  const fetchBytes = async (name: string) => {
    const response = await fetch(`${import.meta.env.BASE_URL}mnist/${name}`);
    if (!response.ok) throw new UserError(`could not load mnist/${name}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const names = IDX_FILES[split];
  const [images, labels] = await Promise.all([fetchBytes(names.images), fetchBytes(names.labels)]);
  return datasetFromIdx(images, names.images, labels, names.labels);
}

function readSettings(form: HTMLFormElement): SweepSettings {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  const batchSizes: BatchSizeOption[] = value('batch-sizes').split(',').map((s) => parseBatchSize(s.trim()));
  const lrText = value('lrs');
  // none given: each batch size's default, derived from the data once it is loaded (runSweep)
  const lrs = lrText === '' ? batchSizes.map(() => null) : lrText.split(',').map((s) => parseLearningRate(s.trim()));
  check(lrs.length === batchSizes.length, `${lrs.length} learning rates for ${batchSizes.length} batch sizes: give one per batch size, or none`);
  const budget = Number(value('budget'));
  check(Number.isFinite(budget) && budget > 0, `the budget must be a positive number, got '${value('budget')}'`);
  const epochs = value('budget-unit') === 'epochs';
  if (epochs) check(Number.isInteger(budget), `a budget in epochs must be a whole number, got ${budget}`);
  return {
    task: value('task') === 'regression' ? 'regression' : 'classification',
    runs: batchSizes.map((batchSize, i) => ({ batchSize, lr: lrs[i]! })),
    budgetMs: epochs ? undefined : budget * 1000,
    budgetEpochs: epochs ? budget : undefined,
    seed: parseSeed(value('seed')),
  };
}

/** Up to `shown` test digits: the first ones, then mistakes, so that some are always visible. */
function pickDigits(test: Dataset, params: Float32Array, shown = 32, mistakes = 8): { indices: number[]; predicted: number[] } {
  const scan = Math.min(test.count, 2000);
  const order = Uint32Array.from({ length: scan }, (_, i) => i);
  const logits = forwardRef(test.images, test.features, order, 0, scan, params);
  const predict = (i: number) => {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits[i * 10 + c]! > logits[i * 10 + best]!) best = c;
    return best;
  };
  const first = Array.from({ length: Math.min(scan, shown - mistakes) }, (_, i) => i);
  const wrong = order.filter((i) => i >= first.length && predict(i) !== test.labels[i]).slice(0, mistakes);
  const indices = [...first, ...wrong];
  return { indices, predicted: indices.map(predict) };
}

/** The page's regression problem: y = X·θ + 1 + 0.5·ε, standardised, 20% held out (seed 1). */
const REGRESSION = { rows: 20_000, features: 50, noise: 0.5 };

function regressionRows(): TrainingData {
  return syntheticData(REGRESSION.rows, REGRESSION.features, REGRESSION.noise, 1);
}

/** Times to these are read off the curves: MNIST's, or 1.1 × the best possible loss (σ²/2) and R² 0.95. */
function targetsFor(data: TrainingData): { loss: number; accuracy: number } {
  return data.task === 'classification' ? DEFAULT_TARGETS : { loss: 1.1 * (REGRESSION.noise ** 2 / 2), accuracy: 0.95 };
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

/** The last trained classifier's confusion matrix and test digits; regression has neither. */
async function showTrainedModel(backend: Backend, data: TrainingData, test: Dataset, batchSize: number): Promise<void> {
  const classifier = data.task === 'classification';
  $('confusion-section').hidden = !classifier;
  $('digits-section').hidden = !classifier;
  if (!classifier) return;
  const evaluation = await backend.evaluate(0, 'test');
  renderConfusion(evaluation.confusion, `(after batch ${batchSize}: ${(evaluation.accuracy * 100).toFixed(2)}% correct)`);
  const { indices, predicted } = pickDigits(test, await backend.getParams(0));
  renderDigits(test, indices, predicted);
}

async function main(): Promise<void> {
  const form = $<HTMLFormElement>('settings');
  const trainButton = $<HTMLButtonElement>('train');
  const downloadButton = $<HTMLButtonElement>('download');
  if (!('gpu' in navigator) || !navigator.gpu) return explainNoWebGpu();
  const t0 = performance.now();
  const [train, test] = await Promise.all([loadSplit('train'), loadSplit('test')]);
  status(`MNIST loaded: ${train.count.toLocaleString('en-US')} training and ${test.count.toLocaleString('en-US')} test images. Choose settings and press Train.`);
  trainButton.disabled = false;
  setState('ready');

  const datasets: Record<SweepSettings['task'], () => TrainingData> = {
    classification: () => classificationData(train, test, { kind: 'arrays' }, `MNIST from ${import.meta.env.BASE_URL}mnist/`),
    regression: regressionRows,
  };
  /** an engine per model, made when first asked for (each holds its data on the GPU) */
  const engines = new Map<SweepSettings['task'], { backend: Backend; data: TrainingData }>();
  let results: BenchResults | undefined;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    $('error').hidden = true;
    void (async () => {
      let settings: SweepSettings;
      try {
        settings = readSettings(form);
      } catch (e) {
        return showError((e as Error).message);
      }
      trainButton.disabled = true;
      downloadButton.disabled = true;
      setState('running');
      try {
        let engine = engines.get(settings.task);
        if (!engine) {
          status(`Starting WebGPU and uploading ${settings.task === 'classification' ? 'MNIST' : 'the regression rows'} to the GPU…`);
          const data = datasets[settings.task]();
          const gpu = await openBrowserDevice();
          // the comparison runs each batch size at its fastest variant: measured (tune)
          engine = { backend: await createEngine(data, gpu, { stepVariant: 'tune' }), data };
          engines.set(settings.task, engine);
          $('adapter').textContent = `Adapter: ${adapterLabel(gpu.adapter)}`;
        }
        const { backend, data } = engine;
        let pending = false;
        results = await runSweep(backend, data, targetsFor(data), settings, performance.now() - t0, {
          status,
          update(r) {
            if (pending) return;
            pending = true;
            requestAnimationFrame(() => {
              pending = false;
              renderCharts(r);
              renderResultsTable(r);
            });
          },
        });
        renderCharts(results);
        renderResultsTable(results);
        await showTrainedModel(backend, data, test, results.engines[0]!.runs.at(-1)!.batchSize);
        window.downhillResults = results;
        status(`Done: ${results.engines[0]!.runs.length} batch sizes trained.`);
        downloadButton.disabled = false;
        setState('done');
      } catch (e) {
        showError(e instanceof UserError ? e.message : `training failed: ${(e as Error).message}`);
        status('Stopped by an error.');
        setState('error');
      } finally {
        trainButton.disabled = false;
      }
    })();
  });

  downloadButton.addEventListener('click', () => {
    if (!results) return;
    const blob = new Blob([`${JSON.stringify(results, null, 1)}\n`], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `downhill-browser-${results.createdAt.slice(0, 19).replace(/[:T]/g, '-')}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
}

main().catch((e: unknown) => {
  showError(e instanceof UserError ? e.message : `the page failed to start: ${(e as Error).message}`);
  setState('error');
});
