/**
 * The page's training worker: loads the data (MNIST from the page's origin, the synthetic rows,
 * or the CSV the user chose), opens the WebGPU device, trains what main.ts asks (protocol.ts) and
 * posts progress, results and the trained model back. Everything that takes time happens here;
 * the main thread only draws.
 */
import { createEngine } from '../api/engine';
import type { Backend } from '../backend/backend';
import type { Dataset } from '../data/dataset';
import { IDX_FILES, datasetFromIdx } from '../data/load';
import { parametersOf } from '../data/parameters';
import { parseCsv } from '../data/regression';
import { regressionFromRows, syntheticData } from '../data/regression-data';
import { type TrainingData, classificationData } from '../data/training-data';
import { adapterLabel } from '../device/adapter-info';
import { openBrowserDevice } from '../device/open-browser';
import { ReportedError, UserError, check } from '../errors';
import { DEFAULT_TARGETS, firstReached } from '../measure/curve';
import type { BenchResults } from '../measure/results';
import { summarizeEvaluation } from '../backend/evaluation';
import { evaluateRef } from '../reference/evaluate';
import { forwardRef } from '../reference/forward';
import { CLASSES } from '../model';
import { resolveBatchSize } from '../train/options';
import { bestRun, sweepModels, sweepReport, trainSweep } from '../train/sweep';
import type { DataChoice, Digits, FromWorker, Job, TrainedModel } from './protocol';
import { runSweep } from './sweep';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const status = (text: string) => post({ type: 'status', text });

/** The page's regression problem: y = X·θ + 1 + 0.5·ε, standardised, 20% held out (seed 1). */
const REGRESSION = { rows: 20_000, features: 50, noise: 0.5 };

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

let mnist: Promise<{ train: Dataset; test: Dataset }> | undefined;
const loadMnist = () => (mnist ??= Promise.all([loadSplit('train'), loadSplit('test')]).then(([train, test]) => ({ train, test })));

async function loadData(choice: DataChoice): Promise<TrainingData> {
  if (choice.source === 'mnist') {
    const { train, test } = await loadMnist();
    return classificationData(train, test, { kind: 'arrays' }, `MNIST from ${import.meta.env.BASE_URL}mnist/`);
  }
  if (choice.source === 'synthetic') return syntheticData(REGRESSION.rows, REGRESSION.features, REGRESSION.noise, 1);
  check(choice.target !== '', 'give the CSV column to predict (the target)');
  const t = await parseCsv(choice.bytes, choice.name, choice.target);
  check(t.rows >= 2, `${choice.name}: needs at least 2 rows (one to train on, one to test)`);
  return regressionFromRows({ x: t.x, y: t.y, count: t.rows, dims: t.columns }, 1, {}, { kind: 'arrays' }, choice.name, t.names, choice.target);
}

/**
 * Times to these are read off the curves: MNIST's; for the synthetic rows 1.1 × the best possible
 * loss (σ²/2) and R² 0.95; for a CSV, whose best loss is not known before, R² 0.95 and (set when
 * the curves are done, by withinTenPercentOfBest) 1.1 × the lowest loss any batch size reached.
 */
function targetsFor(data: TrainingData, choice: DataChoice): { loss: number; accuracy: number } {
  if (data.task === 'classification') return DEFAULT_TARGETS;
  return choice.source === 'synthetic' ? { loss: 1.1 * (REGRESSION.noise ** 2 / 2), accuracy: 0.95 } : { loss: 0, accuracy: 0.95 };
}

/** A CSV comparison's loss target, once its curves are done: within 10% of the lowest loss reached. */
function withinTenPercentOfBest(results: BenchResults): void {
  const runs = results.engines[0]!.runs;
  const best = Math.min(...runs.map((r) => Math.min(...r.curve!.history.map((h) => h.loss))));
  results.config.targetLoss = 1.1 * best;
  for (const r of runs) r.curve!.toTargetLoss = firstReached(r.curve!.history, (p) => p.loss, results.config.targetLoss, true);
}

/**
 * An engine per data set and stack size, each on a device of its own (an engine owns its device),
 * kept for the next job: switching back costs no upload. A CSV's engine is destroyed after its job.
 */
const engines = new Map<string, { engine: Backend; data: TrainingData }>();

async function engineFor(choice: DataChoice, models: number): Promise<{ engine: Backend; data: TrainingData }> {
  const key = `${choice.source}/${models}`;
  const cached = engines.get(key);
  if (cached) return cached;
  status(`Loading ${choice.source === 'mnist' ? 'MNIST' : choice.source === 'csv' ? choice.name : 'the regression rows'}…`);
  const data = await loadData(choice);
  status(`Starting WebGPU and uploading ${data.trainCount.toLocaleString('en-US')} training rows to the GPU…`);
  const gpu = await openBrowserDevice();
  post({ type: 'adapter', label: `Adapter: ${adapterLabel(gpu.adapter)}` });
  // a comparison runs each batch size at its fastest variant: measured (tune)
  const made = { engine: await createEngine(data, gpu, models === 1 ? { stepVariant: 'tune' } : { models }), data };
  if (choice.source !== 'csv') engines.set(key, made);
  return made;
}

/** Runs `body` on the job's engine; a CSV's engine (made for this job alone) is destroyed after it. */
async function withEngine(choice: DataChoice, models: number, body: (e: { engine: Backend; data: TrainingData }) => Promise<void>): Promise<void> {
  const made = await engineFor(choice, models);
  try {
    await body(made);
  } finally {
    if (choice.source === 'csv') await made.engine.destroy();
  }
}

/**
 * A trained classifier on the test set, computed here from its parameters by the float64
 * reference (src/reference/forward.ts): accuracy, confusion matrix, and up to `shown` digits, the
 * first ones, then mistakes, so that some are always visible.
 */
function testClassifier(test: Dataset, params: Float32Array, shown = 32, mistakes = 8): { accuracy: number; confusion: Uint32Array; digits: Digits } {
  const order = Uint32Array.from({ length: test.count }, (_, i) => i);
  const logits = forwardRef(test.images, test.features, order, 0, test.count, params);
  const { lossSum, confusion } = evaluateRef(logits, test.labels, order, 0, test.count);
  // the argmax, ties to the lower class, as evaluateRef predicts
  const predicted = Array.from(order, (i) => {
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (logits[i * CLASSES + c]! > logits[i * CLASSES + best]!) best = c;
    return best;
  });
  const first = Array.from({ length: Math.min(test.count, shown - mistakes) }, (_, i) => i);
  const wrong = Array.from(order).filter((i) => i >= first.length && predicted[i] !== test.labels[i]).slice(0, mistakes);
  const indices = [...first, ...wrong];
  const images = new Uint8Array(indices.length * test.features);
  indices.forEach((index, k) => images.set(test.images.subarray(index * test.features, (index + 1) * test.features), k * test.features));
  const digits = { images, labels: Uint8Array.from(indices, (i) => test.labels[i]!), predicted: indices.map((i) => predicted[i]!) };
  return { accuracy: summarizeEvaluation(test.count, lossSum, confusion).accuracy, confusion, digits };
}

/** A trained model as the page shows it: the classifier on the test set, or the learned parameters. */
async function trainedModel(data: TrainingData, params: Float32Array, which: string): Promise<TrainedModel> {
  if (data.task === 'regression') {
    const parameters = parametersOf(data, params);
    if (parameters.model !== 'linear-regression') throw new Error('regression parameters expected');
    return { kind: 'regression', which, parameters };
  }
  const { test } = await loadMnist();
  return { kind: 'classifier', which, ...testClassifier(test, params) };
}

async function compare(job: Extract<Job, { kind: 'compare' }>, { engine, data }: { engine: Backend; data: TrainingData }): Promise<void> {
  let pending = false;
  const results = await runSweep(engine, data, targetsFor(data, job.data), job.settings, 0, {
    status,
    update(r) {
      // at most one update a frame's worth of time: the main thread redraws each one
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        post({ type: 'compare', results: r });
      }, 16);
    },
  });
  if (job.data.source === 'csv') withinTenPercentOfBest(results);
  const last = results.engines[0]!.runs.at(-1)!;
  post({
    type: 'done', results, model: await trainedModel(data, await engine.getParams(0), `after batch ${last.batchSize.toLocaleString('en-US')}`),
    download: { name: `downhill-browser-${stamp(results.createdAt)}.json`, json: `${JSON.stringify(results, null, 1)}\n` },
    summary: `Done: ${results.engines[0]!.runs.length} batch sizes trained.`,
  });
}

async function sweep(job: Extract<Job, { kind: 'sweep' }>, { engine, data }: { engine: Backend; data: TrainingData }): Promise<void> {
  const models = sweepModels(job).length;
  const batchSizes = job.batchSizes.map((b) => resolveBatchSize(b, data.trainCount));
  const config = { batchSizes, lrs: job.lrs, optimizers: job.optimizers, epochs: job.epochs, seed: job.seed };
  status(`Training ${models * batchSizes.length} configurations, ${models} at once per batch size…`);
  const result = await trainSweep(engine, data, config, (line) => {
    status(line);
  });
  post({ type: 'sweep', view: { task: data.task, runs: result.runs.map(({ params: _, ...r }) => r) } });
  const report = sweepReport(result, { ...config, task: data.task, data: data.source, backend: engine.name }, engine.adapter, { userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency ?? null, runtime: 'browser' });
  // the best configuration's model: the lowest final training loss of those that did not diverge
  const best = bestRun(result.runs) ?? result.runs.at(-1)!;
  post({
    type: 'done', model: await trainedModel(data, best.params, `the best configuration: batch ${best.batchSize.toLocaleString('en-US')}, ${best.optimizer}, lr ${best.lr}`),
    download: { name: `downhill-sweep-${stamp(String(report.createdAt))}.json`, json: `${JSON.stringify(report, null, 2)}\n` },
    summary: `Done: ${result.runs.length} configurations trained in ${(result.trainMs / 1000).toFixed(2)} s (evaluation ${(result.evalMs / 1000).toFixed(2)} s, off the clock).`,
  });
}

const stamp = (iso: string) => iso.slice(0, 19).replace(/[:T]/g, '-');

self.addEventListener('message', (event: MessageEvent<Job>) => {
  const job = event.data;
  if (job.kind === 'preload') {
    loadMnist().then(
      ({ train, test }) => post({ type: 'ready', text: `MNIST loaded: ${train.count.toLocaleString('en-US')} training and ${test.count.toLocaleString('en-US')} test images. Choose settings and press Train.` }),
      (e: unknown) => post({ type: 'error', message: e instanceof ReportedError ? e.message : `could not load MNIST: ${(e as Error).message}` }),
    );
    return;
  }
  const models = job.kind === 'compare' ? 1 : sweepModels(job).length;
  withEngine(job.data, models, (made) => (job.kind === 'compare' ? compare(job, made) : sweep(job, made))).catch((e: unknown) => {
    post({ type: 'error', message: e instanceof ReportedError ? e.message : `training failed: ${(e as Error).message}` });
  });
});
