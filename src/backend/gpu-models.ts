/**
 * The models as the WebGPU engine sees them: data, not classes. Each says how its examples sit on
 * the GPU (the classifier's packed images and labels, regression's float features and targets),
 * which kernels make a step's forward pass, loss head and gradient for K stacked models, and how
 * one model is evaluated on a whole split. Everything else (parameters, optimiser, plans, step
 * variants, readbacks) is the engine's, the same for both.
 */
import type { Dataset } from '../data/dataset';
import { type ColumnScale, type RegressionObjective, type RegressionSet, lossFactor } from '../data/regression';
import type { TrainingData } from '../data/training-data';
import type { Gpu } from '../device/gpu';
import { EVALUATE_WORKGROUP_SIZE, evaluateKernel } from '../kernels/evaluate';
import { forwardFor } from '../kernels/forward-tiled';
import { stackedGradientKernel } from '../kernels/gradient';
import type { Kernel } from '../kernels/kernel';
import { stackedLinearForwardKernel, stackedLinearGradientKernel, stackedSquaredErrorKernel } from '../kernels/linear-regression';
import { stackedSoftmaxXentKernel } from '../kernels/softmax-xent';
import { CLASSES, type Model, type ParamLayout, SOFTMAX_CLASSIFIER, LINEAR_REGRESSION } from '../model';
import type { Evaluation, Split } from './backend';
import { summarizeEvaluation } from './evaluation';
import { regressionEvaluation } from './regression-evaluation';
import { EVAL_OFFSETS } from './step-encoding';

/** A split resident on the GPU: its inputs (images or features) and targets (labels or values). */
export interface ResidentSplit {
  inputs: GPUBuffer;
  targets: GPUBuffer;
  count: number;
}

/** What a step's and an evaluation's dispatches bind besides the model's own data. */
export interface StepBuffers {
  order: GPUBuffer;
  params: GPUBuffer;
  /** per (example, model) outputs: logits or predictions */
  outputs: GPUBuffer;
  /** their gradient: dlogits or residuals */
  dOutputs: GPUBuffer;
  /** per (model, example) losses at epoch positions */
  loss: GPUBuffer;
}

/** The engine's buffers an evaluation binds: the forward pass's outputs, the identity order, the whole-split batches. */
export interface EvaluationBuffers {
  outputs: GPUBuffer;
  identity: GPUBuffer;
  /** one Batch per split, at EVAL_OFFSETS (step-encoding.ts) */
  table: GPUBuffer;
}

export interface GpuModel {
  model: Model;
  layout: ParamLayout;
  /** outputs per example */
  outputs: number;
  /**
   * the per-example losses are reported times this: regression's targets are standardised (the
   * loss kernel already applies mse's factor of 2, so this is the target's variance alone)
   */
  lossScale: number;
  sets: Partial<Record<Split, ResidentSplit>>;
  /**
   * the forward kernel for batches of up to `rows` rows (the classifier's on a software adapter:
   * forward_tiled.wgsl, whose logits are forward.wgsl's bit for bit; forward.wgsl elsewhere)
   */
  forward(models: number, rows: number): Kernel;
  lossHead(models: number, rows: number): Kernel;
  gradient(models: number): Kernel;
  /** the loss head's bindings after the step table */
  lossBindings(set: ResidentSplit, b: StepBuffers): GPUBuffer[];
  /**
   * One model on a whole split: `encode` records the forward pass into `e.outputs` on the encoder
   * it is given; the model adds its summary's dispatches and reads back.
   */
  evaluate(gpu: Gpu, split: Split, encode: (encoder: GPUCommandEncoder) => void, e: EvaluationBuffers): Promise<Evaluation>;
  destroy(gpu: Gpu): void;
}

/** `tiledForward` false keeps forward.wgsl on every adapter (benchmarks that compare the two). */
export async function gpuModel(gpu: Gpu, data: TrainingData, tiledForward = true): Promise<GpuModel> {
  return data.task === 'classification' ? classifierOnGpu(gpu, data.train, data.test, tiledForward && gpu.adapter.software) : regressionOnGpu(gpu, data.split.train, data.split.test, data.split.targetScale, data.objective);
}

async function classifierOnGpu(gpu: Gpu, train: Dataset, test: Dataset | null, tiled: boolean): Promise<GpuModel> {
  const layout = SOFTMAX_CLASSIFIER.layout(train.features);
  const upload = async (name: string, d: Dataset): Promise<ResidentSplit> => {
    if (d.images.byteLength % 4 !== 0) throw new Error(`${name} images are ${d.images.byteLength} bytes, not a multiple of 4`);
    return {
      inputs: await gpu.buffer(`${name} images`, d.images.byteLength, 'storage', d.images),
      targets: await gpu.buffer(`${name} labels`, d.count * 4, 'storage', Uint32Array.from(d.labels)),
      count: d.count,
    };
  };
  const sets: Partial<Record<Split, ResidentSplit>> = { train: await upload('train', train) };
  if (test) sets.test = await upload('test', test);
  const maxRows = Math.max(train.count, test?.count ?? 0);
  const lossSums = await gpu.buffer('loss sums', Math.ceil(maxRows / EVALUATE_WORKGROUP_SIZE) * 4, 'storage');
  const confusion = await gpu.buffer('confusion', CLASSES * CLASSES * 4, 'storage');
  return {
    model: SOFTMAX_CLASSIFIER, layout, outputs: CLASSES, lossScale: 1, sets,
    forward: (models, rows) => forwardFor(models, rows, tiled),
    lossHead: stackedSoftmaxXentKernel,
    gradient: stackedGradientKernel,
    lossBindings: (set, b) => [b.outputs, set.targets, b.order, b.loss, b.dOutputs],
    async evaluate(g, split, encode, e) {
      const set = sets[split]!;
      const pipeline = await g.pipeline(evaluateKernel, evaluateKernel.constants(layout));
      const encoder = g.encoder(`evaluate ${split}`);
      encoder.clearBuffer(confusion);
      encode(encoder);
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline.pipeline);
      pass.setBindGroup(0, g.bindGroup(pipeline, [e.table, e.outputs, set.targets, e.identity, lossSums, confusion]), [EVAL_OFFSETS[split]]);
      const groups = evaluateKernel.workgroups(set.count, layout);
      g.dispatch(pass, pipeline, groups);
      pass.end();
      g.submit([encoder.finish()]);
      const hint = { key: `evaluate ${split}`, units: 1 };
      const [sums, counts] = await Promise.all([g.read(lossSums, groups * 4, 0, undefined, hint), g.read(confusion, CLASSES * CLASSES * 4, 0, undefined, hint)]);
      // the per-workgroup sums are added in float64, in index order
      return summarizeEvaluation(set.count, new Float32Array(sums).reduce((a, x) => a + x, 0), new Uint32Array(counts));
    },
    destroy: (g) => [lossSums, confusion].forEach((buffer) => g.free(buffer)),
  };
}

async function regressionOnGpu(gpu: Gpu, train: RegressionSet, test: RegressionSet, targetScale: ColumnScale, objective: RegressionObjective): Promise<GpuModel> {
  const targetVariance = targetScale.sd ** 2;
  const lossScale = targetVariance;
  // the evaluation's loss is Σ(ŷ − y)² / 2n: mse is twice that
  const evaluationScale = targetVariance * lossFactor(objective.loss);
  const layout = LINEAR_REGRESSION.layout(train.dims);
  const upload = async (name: string, set: RegressionSet): Promise<ResidentSplit> => ({
    inputs: await gpu.buffer(`${name} features`, Math.max(4, set.features.byteLength), 'storage', set.features),
    targets: await gpu.buffer(`${name} targets`, Math.max(4, set.targets.byteLength), 'storage', set.targets),
    count: set.count,
  });
  const host = { train, test };
  const sets: Partial<Record<Split, ResidentSplit>> = { train: await upload('train', train) };
  if (test.count > 0) sets.test = await upload('test', test);
  return {
    model: LINEAR_REGRESSION, layout, outputs: 1, lossScale, sets,
    forward: stackedLinearForwardKernel,
    lossHead: (models, rows) => stackedSquaredErrorKernel(models, rows, objective.loss),
    gradient: (models) => stackedLinearGradientKernel(models, objective.intercept),
    lossBindings: (set, b) => [b.outputs, set.targets, b.order, b.dOutputs, b.loss],
    async evaluate(g, split, encode, e) {
      const count = host[split].count;
      const encoder = g.encoder(`evaluate ${split}`);
      encode(encoder);
      const pred = new Float32Array(await g.read(e.outputs, count * 4, 0, encoder, { key: `evaluate ${split}`, units: 1 }));
      return regressionEvaluation(pred, host[split].targets, count, evaluationScale, targetScale);
    },
    destroy: () => {},
  };
}
