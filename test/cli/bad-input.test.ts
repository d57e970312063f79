/**
 * Every user error: exit code 2, exactly one line on stderr naming the problem, no stack trace,
 * and no output file created.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type OptionSpec, parseCommandLine } from '../../src/command/args';
import { IDX_FILES } from '../../src/data/load';
import { UserError } from '../../src/errors';
import { encodeWeights } from '../../src/io/weights';
import { SOFTMAX_CLASSIFIER, paramLayout } from '../../src/model';
import { OPTIMIZER_KINDS } from '../../src/optim/optimizer';
import { expectOneLineError } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-cli-'));
const json = join(out, 'run.json');
const tiny = writeIdxFolder(head(mnist().train, 40), head(mnist().test, 10));

function corruptFolder(file: string, bytes: Uint8Array): string {
  const dir = writeIdxFolder(head(mnist().train, 40), head(mnist().test, 10));
  writeFileSync(join(dir, file), bytes);
  return dir;
}

const weightsFile = (name: string, bytes: Uint8Array) => {
  const path = join(out, name);
  writeFileSync(path, bytes);
  return path;
};

function expectUserError(command: 'train' | 'evaluate', args: string[], message: RegExp, env: Record<string, string> = {}) {
  expectOneLineError(command, args, message, env);
  expect(existsSync(json)).toBe(false);
  expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('train rejects impossible options', () => {
  test.each([
    { args: ['--batch-size', '0'], error: /--batch-size must be a whole number of at least 1, or 'full', got '0'/ },
    { args: ['--batch-size', '-5'], error: /--batch-size must be .* got '-5'/ },
    { args: ['--batch-size', '2.5'], error: /--batch-size must be .* got '2.5'/ },
    { args: ['--batch-size', '41', '--data', tiny], error: /--batch-size 41 is larger than the 40 training examples/ },
    { args: ['--lr', '0'], error: /--lr must be a positive finite number, got '0'/ },
    { args: ['--lr', '-1'], error: /--lr must be a positive finite number, got '-1'/ },
    { args: ['--lr', 'Infinity'], error: /--lr must be a positive finite number/ },
    { args: ['--lr', 'NaN'], error: /--lr must be a positive finite number/ },
    { args: ['--epochs', '0'], error: /--epochs must be a positive whole number, got '0'/ },
    { args: ['--epochs', '-3'], error: /--epochs must be a positive whole number, got '-3'/ },
    { args: ['--seed', 'x'], error: /--seed must be a whole number/ },
    { args: ['--backend', 'tpu'], error: /--backend must be one of webgpu, cpu, got 'tpu'/ },
    { args: ['--adapter', 'gpu0'], error: /--adapter must be one of auto, hardware, swiftshader, got 'gpu0'/ },
    { args: ['--step-variant', 'fused-7'], error: /--step-variant must be one of auto, tune, four-kernels, split-k-64, split-k-512, register-blocked, fused-32, fused-64, fused-256, got 'fused-7'/ },
    { args: ['--batchsize', '10'], error: /unknown option --batchsize/ },
    { args: ['--epochs'], error: /--epochs/ },
    { args: ['extra'], error: /unexpected argument 'extra'/ },
    { args: ['--seed', '4294967296'], error: /--seed must be a whole number from 0 to 4294967295, got '4294967296'/ },
    { args: ['--record-every', '0'], error: /--record-every must be a positive whole number, got '0'/ },
    { args: ['--checkpoint-every', '0', '--checkpoint', join(out, 'c')], error: /--checkpoint-every must be a whole number of updates \(500\) or of seconds \(30s\), greater than 0, got '0'/ },
    { args: ['--checkpoint-every', '2.5', '--checkpoint', join(out, 'c')], error: /--checkpoint-every must be .* got '2.5'/ },
    { args: ['--checkpoint-every', '10m', '--checkpoint', join(out, 'c')], error: /--checkpoint-every must be .* got '10m'/ },
    { args: ['--checkpoint-every', '1.5s', '--checkpoint', join(out, 'c')], error: /--checkpoint-every must be a whole number of updates \(500\) or of seconds \(30s\), greater than 0, got '1.5s'/ },
    { args: ['--checkpoint-every', '-3', '--checkpoint', join(out, 'c')], error: /--checkpoint-every must be .* got '-3'/ },
    // options that conflict
    { args: ['--checkpoint-every', '100'], error: /--checkpoint-every needs --checkpoint PATH \(or --resume PATH\)/ },
    { args: ['--backend', 'cpu', '--step-variant', 'fused-32'], error: /--step-variant applies to --backend webgpu only/ },
    { args: ['--step-variant', 'fused-32'], error: /^train: --step-variant fused-32 cannot run batch 100 with sgd: the fused step runs the classifier alone with plain SGD, at batch sizes 1 to 16; use auto, or a batch size and optimiser it runs at$/ },
    { args: ['--backend', 'cpu', '--adapter', 'swiftshader'], error: /--adapter applies to --backend webgpu only/ },
    { args: ['--save', json], error: /--json .*run\.json and --save .*run\.json are the same file/ },
    { args: ['--checkpoint', json], error: /--json .*run\.json and --checkpoint .*run\.json are the same file/ },
    { args: ['--checkpoint', join(out, 'missing', 'c.ckpt')], error: /cannot write --checkpoint .*missing\/c.ckpt: the folder .*missing does not exist/ },
    { args: ['--optimizer', 'lbfgs'], error: new RegExp(`--optimizer must be one of ${OPTIMIZER_KINDS.join(', ')}, got 'lbfgs'`) },
    { args: ['--optimizer', 'momentum', '--momentum', '1'], error: /--momentum must be a number between 0 and 1 \(exclusive\) that float32 holds as such \(1\.18e-38 to 0\.99999994\), got '1'/ },
    { args: ['--optimizer', 'nesterov', '--momentum', '-0.5'], error: /--momentum must be .* got '-0.5'/ },
    { args: ['--optimizer', 'adam', '--beta2', '1.5'], error: /--beta2 must be a number between 0 and 1 \(exclusive\) that float32 holds as such \(1\.18e-38 to 0\.99999994\), got '1.5'/ },
    { args: ['--optimizer', 'adam', '--epsilon', '0'], error: /--epsilon must be a positive number float32 can hold, at most 1 \(1\.18e-38 to 1: .*\), got '0'/ },
    { args: ['--schedule', 'linear'], error: /--schedule must be one of constant, step, cosine, got 'linear'/ },
    { args: ['--schedule', 'step', '--decay-factor', '2'], error: /--decay-factor must be a number between 0 and 1 \(exclusive\), got '2'/ },
    { args: ['--schedule', 'step', '--decay-every', '0'], error: /--decay-every must be a positive whole number, got '0'/ },
    { args: ['--warmup', '-1'], error: /--warmup must be a whole number of updates \(0 for none\), got '-1'/ },
    { args: ['--momentum', '0.9'], error: /--momentum applies to --optimizer momentum or nesterov only/ },
    { args: ['--optimizer', 'momentum', '--beta1', '0.9'], error: /--beta1 applies to --optimizer adam only/ },
    { args: ['--decay-factor', '0.1'], error: /--decay-factor applies to --schedule step only/ },
    { args: ['--epochs', '1', '--epochs', '2'], error: /^train: --epochs given twice$/ },
  ])('$args', ({ args, error }) => expectUserError('train', [...args, '--json', json], error));

  test('an unwritable --json path', () => expectUserError('train', ['--json', join(out, 'missing', 'run.json')], /cannot write --json .*missing\/run.json: the folder .*missing does not exist/));
  test('a --save path that is a folder', () => expectUserError('train', ['--save', out, '--json', json], /cannot write --save .*: it is a folder/));
});

describe('an option given twice is refused, not silently the last value', () => {
  const options: OptionSpec = { epochs: { type: 'string' }, x: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  test.each([
    { argv: ['--epochs', '1', '--epochs', '2'], error: '--epochs given twice' },
    { argv: ['--x', '1,2', '--x=3,4'], error: '--x given twice' },
    { argv: ['--quiet', '--epochs', '1', '--quiet'], error: '--quiet given twice' },
    { argv: ['-h', '--help'], error: '--help given twice' },
  ])('$argv', ({ argv, error }) => expect(() => parseCommandLine(argv, options)).toThrow(new UserError(error)));
  test('each option once is accepted', () => expect(parseCommandLine(['--epochs', '1', '--x', '3,4', '--quiet'], options)).toEqual({ epochs: '1', x: '3,4', quiet: true }));
});

describe('train rejects bad data', () => {
  test('a missing folder', () => expectUserError('train', ['--data', join(out, 'nope'), '--json', json], /cannot read .*nope\/train-images-idx3-ubyte: no such file/));
  test.each([
    { file: IDX_FILES.train.images, bytes: Uint8Array.from([7, 7, 7, 7]), error: /train-images-idx3-ubyte: not an IDX file \(bad magic number/ },
    { file: IDX_FILES.train.images, bytes: Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 40, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2]), error: /train-images-idx3-ubyte: truncated: header says 40x28x28 = 31360 bytes of data, file has 2/ },
    { file: IDX_FILES.test.labels, bytes: Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8]), error: /t10k-labels-idx1-ubyte: 9 labels for 10 images/ },
    { file: IDX_FILES.train.labels, bytes: Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 40, ...new Array(39).fill(1), 12]), error: /train-labels-idx1-ubyte: label 12 at index 39 is outside the 10 classes/ },
  ])('$file: $error', ({ file, bytes, error }) => expectUserError('train', ['--data', corruptFolder(file, bytes), '--json', json], error));
});

describe('evaluate rejects bad weights', () => {
  const layout = paramLayout(784);
  const good = encodeWeights(new Float32Array(layout.paddedCount), SOFTMAX_CLASSIFIER, layout.features);
  test.each([
    { name: 'no --load', args: [], error: /--load PATH is required/ },
    { name: 'a missing file', args: ['--load', join(out, 'none.bin')], error: /cannot read --load .*none.bin: no such file/ },
    { name: 'a folder', args: ['--load', out], error: /cannot read --load .*: it is a folder, not a regular file/ },
    { name: 'not weights', args: ['--load', weightsFile('text.bin', new TextEncoder().encode('plain text'))], error: /not a downhill weights file/ },
    { name: 'truncated', args: ['--load', weightsFile('short.bin', good.subarray(0, good.length - 10))], error: /truncated or padded/ },
    { name: 'wrong shape', args: ['--load', weightsFile('small.bin', encodeWeights(new Float32Array(paramLayout(8).paddedCount), SOFTMAX_CLASSIFIER, 8))], error: /weights are for 10 outputs x 8 features/ },
  ])('$name', ({ args, error }) => expectUserError('evaluate', [...args, '--data', tiny], error));
});

describe('no adapter', () => {
  const noSwiftShader = { DOWNHILL_SWIFTSHADER_ICD: join(out, 'missing_icd.json') };
  test('--adapter swiftshader without SwiftShader says what to install', () =>
    expectUserError('train', ['--adapter', 'swiftshader', '--batch-size', '10', '--data', tiny, '--json', json], /--adapter swiftshader: SwiftShader's Vulkan driver was not found \(DOWNHILL_SWIFTSHADER_ICD=.*missing_icd\.json, which does not exist\); apt-get install chromium/, noSwiftShader));

  test.each([
    { name: 'a JSON object without ICD.library_path', text: '{"format":"base"}', why: /not a Vulkan driver manifest \(a JSON object with ICD\.library_path\)$/ },
    { name: 'not JSON', text: 'plain text', why: /not a Vulkan driver manifest \(not JSON\)$/ },
  ])('DOWNHILL_SWIFTSHADER_ICD naming $name: one line naming the variable, nothing from Vulkan', ({ name, text, why }) => {
    const manifest = join(out, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(manifest, text);
    expectUserError('train', ['--adapter', 'swiftshader', '--batch-size', '10', '--data', tiny, '--json', json], new RegExp(`^train: DOWNHILL_SWIFTSHADER_ICD=${manifest}: ${why.source}`), { DOWNHILL_SWIFTSHADER_ICD: manifest });
  });

  test('DOWNHILL_WAIT_PACER other than on or off: one line naming the variable and its values', () =>
    expectUserError('train', ['--backend', 'webgpu', '--batch-size', '10', '--data', tiny, '--json', json], /^train: DOWNHILL_WAIT_PACER=bogus: expected on or off \(or leave it unset\)$/, { DOWNHILL_WAIT_PACER: 'bogus' }));

  const gpuVisible = existsSync('/dev/dri') || readdirSync('/dev').some((f) => /^nvidia\d+$/.test(f));
  test.skipIf(gpuVisible)('auto with no GPU and no SwiftShader says what to install', () =>
    expectUserError('train', ['--batch-size', '10', '--data', tiny, '--json', json], /no WebGPU adapter could be created \(no hardware adapter; SwiftShader: DOWNHILL_SWIFTSHADER_ICD=.*missing_icd\.json, which does not exist\): install the Vulkan loader and SwiftShader \(apt-get install libvulkan1 chromium\)/, noSwiftShader));
});
