/**
 * The options that shape regression's data and model (--test-fraction, --standardize,
 * --intercept, --loss), --init, --shuffle, --quiet, the learned parameters in the data's units,
 * and npm run predict: through the real commands (spawned processes, real files).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultMnistDir } from '../../src/data/load-node';
import { encodeWeights } from '../../src/io/weights';
import { LINEAR_REGRESSION, SOFTMAX_CLASSIFIER, paramLayout } from '../../src/model';
import { forwardRef } from '../../src/reference/forward';
import { Rng } from '../../src/rng';
import { expectOneLineError, runCli } from '../helpers/cli';
import { encodeIdx } from '../helpers/idx';
import { readJson } from '../helpers/examples';
import { mnist } from '../helpers/mnist';

const dir = mkdtempSync(join(tmpdir(), 'downhill-model-options-'));
const path = (name: string) => join(dir, name);

/** y = 3·a − 2·b + 7 + small noise, with columns of very different scales (a ~ 1000s, b ~ 0.01s). */
function writeScaledCsv(rows: number): string {
  const rng = new Rng(11);
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i++) {
    const a = 1000 + 500 * rng.next();
    const b = 0.01 * rng.next();
    lines.push(`${a},${b},${3 * a - 2 * b + 7 + 1e-3 * (rng.next() - 0.5)}`);
  }
  const file = path(`scaled-${rows}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

interface Run {
  parameters: { names: string[]; target: string; weights: number[]; intercept: number | null };
  final: { train: { loss: number }; test: { loss: number; accuracy: number } | null };
  config: { shuffle: boolean; trainExamples: number; testExamples: number };
}

const csv = writeScaledCsv(200);
const regression = ['--task', 'regression', '--csv', csv, '--target', 'y'];

describe('regression options through the train command', () => {
  test('standardised or not, the parameters are reported in the data\'s units; --quiet prints the result only', () => {
    // standardised columns train at rate 0.5; the raw ones (a ~ 1000) need ~1e-7 and cannot fit b in this budget
    const r = runCli('train', [...regression, '--batch-size', 'full', '--lr', '0.5', '--epochs', '300', '--quiet', '--json', path('std.json'), '--save', path('std.w')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['parameters', 'train', 'test']);
    // b moves y by at most 0.02 against noise of 1e-3: it is the least determined
    expect(r.stdout).toMatch(/^parameters: y = 3\.0000\d·a - \d\.\d+·b \+ [67]\.\d+$/m);
    const run = readJson<Run>(path('std.json'));
    expect(run.parameters.names).toEqual(['a', 'b']);
    expect(run.parameters.weights[0]).toBeCloseTo(3, 4);
    expect(run.parameters.intercept!).toBeCloseTo(7, 1);
    expect(run.config.testExamples).toBe(40);
    // predict with the saved weights: in the data's units, as the JSON says
    const p = runCli('predict', ['--load', path('std.w'), '--x', '1200,0.005']);
    expect(p.code, p.stderr).toBe(0);
    const predicted = Number(/y = (\S+)$/.exec(p.stdout.trim())![1]);
    expect(predicted).toBeCloseTo(run.parameters.weights[0]! * 1200 + run.parameters.weights[1]! * 0.005 + run.parameters.intercept!, 2);
    expect(predicted).toBeCloseTo(3 * 1200 - 2 * 0.005 + 7, 1);
  });

  test('--standardize off trains on the raw columns; --test-fraction 0 keeps every row and says there are no test metrics', () => {
    const r = runCli('train', [...regression, '--standardize', 'off', '--test-fraction', '0', '--batch-size', 'full', '--lr', '1e-7', '--epochs', '20', '--json', path('raw.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/200 training and 0 test rows \(2 features as given/);
    expect(r.stdout).toMatch(/^test: none \(--test-fraction 0: every row was used for training\), so no test metrics$/m);
    const run = readJson<Run>(path('raw.json'));
    expect(run.final.test).toBeNull();
    expect(run.config.trainExamples).toBe(200);
    // the rate that suits a ~ 1000 leaves the intercept almost where it started: the reason to standardise
    expect(Math.abs(run.parameters.intercept!)).toBeLessThan(0.1);
  });

  test('--intercept off fits y = w·x: b stays 0 and the columns are scaled but not centred', () => {
    const r = runCli('train', [...regression, '--intercept', 'off', '--batch-size', 'full', '--lr', '0.5', '--epochs', '200', '--json', path('noint.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/features scaled, not centred/);
    expect(r.stdout).toMatch(/^parameters: .*\(no intercept\)$/m);
    const run = readJson<Run>(path('noint.json'));
    expect(run.parameters.intercept).toBeNull();
    // the least-squares fit without an intercept absorbs 7 into a's weight: 3 + 7/E[a]-ish
    expect(run.parameters.weights[0]).toBeGreaterThan(3);
  });

  test('--loss mse doubles the reported loss of the same parameters, and trains with twice the gradient', () => {
    const args = [...regression, '--standardize', 'off', '--test-fraction', '0', '--batch-size', 'full', '--epochs', '5', '--shuffle', 'off'];
    const half = runCli('train', [...args, '--lr', '2e-7', '--json', path('half.json')]);
    const mse = runCli('train', [...args, '--loss', 'mse', '--lr', '1e-7', '--json', path('mse.json')]);
    expect(half.code, half.stderr).toBe(0);
    expect(mse.code, mse.stderr).toBe(0);
    const [h, m] = [readJson<Run>(path('half.json')), readJson<Run>(path('mse.json'))];
    // mse at rate α takes the same steps as half-mse at 2α (the factor 2 is exact in float32)
    expect(m.parameters.weights).toEqual(h.parameters.weights);
    expect(m.final.train.loss).toBeCloseTo(2 * h.final.train.loss, 6);
    expect(mse.stdout).toMatch(/loss \(mean squared error\) /);
  });

  test('--init starts from a weights file or a list in the data\'s units: 1 + 1 epochs equal 2', () => {
    const args = [...regression, '--batch-size', '50', '--lr', '0.1', '--shuffle', 'off', '--quiet'];
    expect(runCli('train', [...args, '--epochs', '2', '--json', path('two.json')]).code).toBe(0);
    expect(runCli('train', [...args, '--epochs', '1', '--save', path('one.w')]).code).toBe(0);
    const r = runCli('train', [...args, '--epochs', '1', '--init', path('one.w'), '--json', path('again.json')]);
    expect(r.code, r.stderr).toBe(0);
    const [two, again] = [readJson<Run>(path('two.json')), readJson<Run>(path('again.json'))];
    // the data-units weights round-trip through float32 and the standardisation: equal to ~1e-6
    two.parameters.weights.forEach((w, j) => expect(Math.abs(again.parameters.weights[j]! - w)).toBeLessThan(1e-5 * Math.abs(w) + 1e-6));
    expect(Math.abs(again.parameters.intercept! - two.parameters.intercept!)).toBeLessThan(1e-6 * Math.abs(two.parameters.intercept!));
    // a list: w only (b = 0), or w and b
    for (const init of ['[3, -2]', '[3, -2, 7]']) expect(runCli('train', [...args, '--epochs', '1', '--init', init]).code).toBe(0);
  });

  test('--init from a file matches its weights to the data\'s columns by name: in another order they still fit; other names are refused', () => {
    const args = ['--batch-size', '50', '--lr', '0.1', '--shuffle', 'off', '--quiet', '--target', 'y', '--task', 'regression'];
    expect(runCli('train', [...args, '--csv', csv, '--epochs', '1', '--save', path('ab.w')]).code).toBe(0);
    expect(runCli('train', [...args, '--csv', csv, '--epochs', '2', '--json', path('ab2.json')]).code).toBe(0);
    // the same rows with the columns b, a, y
    const rows = readFileSync(csv, 'utf8').trim().split('\n').map((l) => l.split(','));
    const swapped = path('ba.csv');
    writeFileSync(swapped, `${rows.map(([a, b, y]) => `${b},${a},${y}`).join('\n')}\n`);
    const r = runCli('train', [...args, '--csv', swapped, '--epochs', '1', '--init', path('ab.w'), '--json', path('ba.json')]);
    expect(r.code, r.stderr).toBe(0);
    const [two, again] = [readJson<Run>(path('ab2.json')), readJson<Run>(path('ba.json'))];
    expect(again.parameters.names).toEqual(['b', 'a']);
    const weightOf = (run: Run, name: string) => run.parameters.weights[run.parameters.names.indexOf(name)]!;
    for (const n of ['a', 'b']) expect(Math.abs(weightOf(again, n) - weightOf(two, n))).toBeLessThan(1e-5 * Math.abs(weightOf(two, n)) + 1e-6);
    const renamed = path('pq.csv');
    writeFileSync(renamed, `p,q,y\n${rows.slice(1).map((r) => r.join(',')).join('\n')}\n`);
    expectOneLineError('train', [...args, '--csv', renamed, '--init', path('ab.w')], /--init .*ab\.w: weights are for the features a, b; this data's are p, q \(weights are matched to columns by name\)$/);
  });

  test('a long run of tiny data prints a few progress lines, not one per epoch; --record-every 1 prints every epoch', () => {
    const four = path('four.csv');
    writeFileSync(four, 'x0,x1,y\n1,1,2\n1,2,4\n1,3,6\n1,4,8\n');
    const args = ['--task', 'regression', '--csv', four, '--target', 'y', '--standardize', 'off', '--intercept', 'off', '--test-fraction', '0', '--batch-size', 'full', '--lr', '0.01'];
    const long = runCli('train', [...args, '--epochs', '1000', '--json', path('long.json')]);
    expect(long.code, long.stderr).toBe(0);
    const progress = long.stdout.split('\n').filter((l) => l.startsWith('epoch '));
    // step 0, then every 50 updates: 21 lines for 1000 epochs
    expect(progress).toHaveLength(21);
    expect(progress.at(-1)).toMatch(/^epoch 1000\/1000 /);
    expect(readJson<{ history: unknown[] }>(path('long.json')).history).toHaveLength(21);
    const every = runCli('train', [...args, '--epochs', '10', '--record-every', '1']);
    expect(every.stdout.split('\n').filter((l) => l.startsWith('epoch '))).toHaveLength(11);
  });

  test('--shuffle off trains every epoch in the data\'s order, and is recorded', () => {
    const on = runCli('train', [...regression, '--batch-size', '1', '--epochs', '2', '--lr', '0.01', '--json', path('on.json')]);
    const off = runCli('train', [...regression, '--batch-size', '1', '--epochs', '2', '--lr', '0.01', '--shuffle', 'off', '--json', path('off.json')]);
    expect([on.code, off.code]).toEqual([0, 0]);
    const [a, b] = [readJson<Run>(path('on.json')), readJson<Run>(path('off.json'))];
    expect([a.config.shuffle, b.config.shuffle]).toEqual([true, false]);
    expect(a.parameters.weights).not.toEqual(b.parameters.weights);
  });

  test('a resumed run keeps the objective and order it was written with; another --loss is refused', () => {
    const args = [...regression, '--loss', 'mse', '--intercept', 'off', '--test-fraction', '0', '--shuffle', 'off', '--batch-size', '20', '--lr', '0.05'];
    expect(runCli('train', [...args, '--epochs', '4', '--save', path('whole.w')]).code).toBe(0);
    expect(runCli('train', [...args, '--epochs', '2', '--checkpoint', path('half.ckpt')]).code).toBe(0);
    const resumed = runCli('train', ['--resume', path('half.ckpt'), '--epochs', '4', '--save', path('resumed.w')]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(path('resumed.w')).equals(readFileSync(path('whole.w')))).toBe(true);
    expectOneLineError('train', ['--resume', path('half.ckpt'), '--epochs', '4', '--loss', 'half-mse'], /was written by a different run: its --loss is mse, this run's is half-mse$/);
    expectOneLineError('train', ['--resume', path('half.ckpt'), '--epochs', '4', '--shuffle', 'on'], /its --shuffle is off, this run's is on$/);
  });
});

describe('bad model options are refused with one line and nothing written', () => {
  test.each([
    { args: [...regression, '--test-fraction', '1'], error: /--test-fraction must be a number from 0 \(no test set\) up to but not including 1, got '1'/ },
    { args: [...regression, '--test-fraction', '-0.1'], error: /--test-fraction must be .* got '-0.1'/ },
    { args: [...regression, '--test-fraction', 'half'], error: /--test-fraction must be .* got 'half'/ },
    { args: [...regression, '--standardize', 'yes'], error: /--standardize must be one of on, off, got 'yes'/ },
    { args: [...regression, '--intercept', '0'], error: /--intercept must be one of on, off, got '0'/ },
    { args: [...regression, '--loss', 'l1'], error: /--loss must be one of half-mse, mse, got 'l1'/ },
    { args: [...regression, '--shuffle', 'random'], error: /--shuffle must be one of on, off, got 'random'/ },
    { args: [...regression, '--init', '[1,'], error: /--init \[1,: expected 'zeros', a weights file \(downhill's or safetensors\), or a JSON list of numbers/ },
    { args: [...regression, '--init', '[1, "a"]'], error: /expected a non-empty JSON list of finite numbers/ },
    { args: [...regression, '--init', '[1, 2, 3, 4]'], error: /^train: --init \[1, 2, 3, 4\]: holds 4 values; this data needs 3 \(a weight per feature, then the intercept\) or 2/ },
    { args: [...regression, '--init', '[1]'], error: /^train: --init \[1\]: holds 1 value; this data needs 3/ },
    { args: [...regression, '--intercept', 'off', '--init', '[1, 2, 3]'], error: /holds 3 values; this data needs 2 \(a weight per feature; the model has no intercept\)/ },
    { args: [...regression, '--init', join(dir, 'none.w')], error: /cannot read --init .*none\.w/ },
    { args: [...regression, '--init', ''], error: /^train: cannot read --init '': the path is empty$/ },
    { args: [...regression, '--init', '[1e300, 1e300, 1e300]', '--backend', 'cpu'], error: /^train: --init \[1e300, 1e300, 1e300\]\[0\] is [0-9.e+]+ as the engine stores it \(on standardised columns\), beyond float32's range/ },
    { args: ['--task', 'regression', '--synthetic', '10,2', '--batch-size', 'full', '--loss', 'mse', '--intercept', 'off', '--standardize', 'off', '--init', '[1e20,1e20]', '--epochs', '1', '--lr', '1e-30', '--backend', 'cpu'], error: /^train: --init: the initial parameters give a training-set loss that is not finite in float32, before any update \(not the learning rate's doing\)/ },
    { args: ['--test-fraction', '0.1'], error: /--test-fraction applies to --task regression only/ },
    { args: ['--loss', 'mse'], error: /--loss applies to --task regression only/ },
    { args: [...regression, '--sweep', '--init', '[1]'], error: /--init does not apply to --sweep/ },
    { args: ['--init', join(dir, 'std.w')], error: /--init .*std\.w: weights are for a linear-regression model; this run trains a softmax-classifier/ },
  ])('$error', ({ args, error }) => {
    expectOneLineError('train', [...args, '--json', path('never.json')], error);
    expect(existsSync(path('never.json'))).toBe(false);
  });
});

describe('npm run predict', () => {
  const layout = paramLayout(784);
  const classifier = new Float32Array(layout.paddedCount).map((_, i) => Math.sin(i) * 0.01);
  const classifierFile = path('classifier.w');
  writeFileSync(classifierFile, encodeWeights(classifier, SOFTMAX_CLASSIFIER, 784));

  test('classifier weights: each image\'s class and its softmax probabilities, as the float64 reference computes them', () => {
    const images = join(defaultMnistDir(), 't10k-images-idx3-ubyte');
    const r = runCli('predict', ['--load', classifierFile, '--images', images, '--first', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('(3 of 10000 images; --first N for more)');
    const test = mnist().test;
    const logits = forwardRef(test.images, 784, Uint32Array.from([0, 1, 2]), 0, 3, classifier);
    lines.slice(0, 3).forEach((line, i) => {
      const row = Array.from(logits.subarray(i * 10, (i + 1) * 10));
      const m = /^image (\d): class (\d) \(p (\S+)\) {2}probabilities (.*)$/.exec(line)!;
      expect(Number(m[2])).toBe(row.indexOf(Math.max(...row)));
      const p = m[4]!.split(' ').map(Number);
      expect(p).toHaveLength(10);
      expect(p.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 2);
    });
  });

  const written = path('std.w');
  test.each([
    { args: [], error: /--load PATH is required/ },
    { args: ['--load', classifierFile], error: /give exactly one of --x VALUES, --csv FILE \(regression\) or --images FILE \(classifier\)/ },
    { args: ['--load', classifierFile, '--x', '1', '--csv', csv], error: /not --x and --csv/ },
    { args: ['--load', classifierFile, '--x', '1'], error: /holds softmax-classifier weights: give --images FILE/ },
    { args: ['--load', written, '--x', '1,2,3'], error: /--x: 3 values; the model has 2 features \(a, b\), so give 2 per row/ },
    { args: ['--load', written, '--x', '1,abc'], error: /--x: 'abc' is not a finite number/ },
    { args: ['--load', written, '--x', '1,,2'], error: /^predict: --x: empty value at position 2$/ },
    { args: ['--load', written, '--images', 'x.idx'], error: /holds linear-regression weights: give --x VALUES or --csv FILE/ },
    { args: ['--load', written, '--csv', join(dir, 'only-a.csv')], error: /no column named 'b', which the model needs/ },
    { args: ['--load', written, '--x', '1e308,1e308'], error: /^predict: --x, row 1: the prediction is not finite \(it overflows float64\)$/ },
    { args: ['--load', written, '--csv', path('huge.csv')], error: /^predict: --csv .*huge\.csv, row 2: the prediction is not finite \(it overflows float64\)$/ },
    { args: ['--load', path('standardised-units.w'), '--x', '1'], error: /was written before regression weights were saved in the data's units/ },
    { args: ['--load', classifierFile, '--images', join(defaultMnistDir(), 't10k-images-idx3-ubyte'), '--first', '0'], error: /--first must be a whole number of at least 1, got '0'/ },
    { args: ['--load', classifierFile, '--images', path('wide.idx').replace('wide', 'hundred'), '--first', '101'], error: /^predict: --first 101: .*hundred\.idx holds only 100 images$/ },
    { args: ['--load', classifierFile, '--images', join(defaultMnistDir(), 't10k-labels-idx1-ubyte')], error: /t10k-labels-idx1-ubyte: expected images of 28x28 \(dimensions Nx28x28\), found 10000$/ },
    { args: ['--load', classifierFile, '--images', path('wide.idx')], error: /^predict: .*wide\.idx: expected images of 28x28 \(dimensions Nx28x28\), found 300x14x56$/ },
  ])('refused: $error', ({ args, error }) => {
    writeFileSync(join(dir, 'only-a.csv'), 'a,y\n1,2\n');
    writeFileSync(path('huge.csv'), 'a,b\n1,2\n1e308,1e308\n');
    writeFileSync(path('wide.idx'), encodeIdx([300, 14, 56], new Uint8Array(300 * 14 * 56)));
    writeFileSync(path('hundred.idx'), encodeIdx([100, 28, 28], new Uint8Array(100 * 28 * 28)));
    // a regression file as the last stop wrote them: no units
    writeFileSync(path('standardised-units.w'), encodeWeights(new Float32Array(4), LINEAR_REGRESSION, 1));
    expect(expectOneLineError('predict', args, error).stdout).toBe('');
  });
});
