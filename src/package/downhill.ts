#!/usr/bin/env node
/**
 * The package's command: `downhill train|evaluate|predict|bench [options]`, the same commands
 * as `npm run train -- [options]` and the others in the repository, compiled to JavaScript by
 * scripts/build-package.ts. It sits above the shells it dispatches to (the CLI and the benchmark).
 */
import { readFileSync } from 'node:fs';
import { runningThroughBin } from '../command/invocation';

const COMMANDS: Record<string, () => Promise<unknown>> = {
  train: () => import('../cli/train'),
  evaluate: () => import('../cli/evaluate'),
  predict: () => import('../cli/predict'),
  bench: () => import('../../bench/run'),
};

const USAGE = `usage: downhill <command> [options]   (downhill <command> --help for its options; downhill --version)

  train      train the MNIST classifier (or --task regression) on WebGPU, or --backend cpu
  evaluate   test accuracy, loss and confusion matrix of saved weights
  predict    what saved weights predict for new inputs
  bench      the batch-size comparison on this machine, beside the installed peers`;

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h') {
  console.log(USAGE);
} else if (command === undefined) {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
} else if (command === '--version' || command === '-v') {
  console.log(packageVersion());
} else if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`downhill: unknown command '${command}' (one of ${Object.keys(COMMANDS).join(', ')}; downhill --help)\n`);
  process.exitCode = 2;
} else {
  runningThroughBin();
  // each command reads process.argv.slice(2), as under `npm run`
  process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
  await COMMANDS[command]!();
}

/** The package's version, from its package.json: two folders up both from this source and from the compiled package/node/downhill.js. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
