#!/usr/bin/env node
/**
 * The package's command: `downhill train|evaluate|predict|bench [options]`, the same commands
 * as `npm run train -- [options]` and the others in the repository, compiled to JavaScript by
 * scripts/build-package.ts. It sits above the shells it dispatches to (the CLI and the benchmark).
 */
import { runningThroughBin } from '../command/invocation';

const COMMANDS: Record<string, () => Promise<unknown>> = {
  train: () => import('../cli/train'),
  evaluate: () => import('../cli/evaluate'),
  predict: () => import('../cli/predict'),
  bench: () => import('../../bench/run'),
};

const USAGE = `usage: downhill <command> [options]   (downhill <command> --help for its options)

  train      train the MNIST classifier (or --task regression) on WebGPU, or --backend cpu
  evaluate   test accuracy, loss and confusion matrix of saved weights
  predict    what saved weights predict for new inputs
  bench      the batch-size comparison on this machine, beside the installed peers`;

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h') {
  console.log(USAGE);
} else if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`downhill: unknown command '${command}' (one of ${Object.keys(COMMANDS).join(', ')}; downhill --help)\n`);
  process.exitCode = 2;
} else {
  runningThroughBin();
  // each command reads process.argv.slice(2), as under `npm run`
  process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
  await COMMANDS[command]!();
}
