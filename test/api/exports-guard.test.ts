/**
 * Every function the library exports (src/index.ts, src/index-browser.ts) refuses an argument of
 * the wrong kind (null, undefined, an empty object, a number, a string, a list) with a UserError,
 * never a TypeError, a RangeError, a plain Error or an `undefined` result. Each row holds valid
 * arguments; each hostile value takes each argument's place in turn, except where the row says
 * that value is a valid argument there (an options bag's {}, a name's string, an optional
 * argument's undefined). A new export without a row fails the first test: the class stays closed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as browser from '../../src/index-browser';
import * as L from '../../src/index';
import { encodeIdx, writeIdxFolder } from '../helpers/idx';

const HOSTILE = { null: null, undefined, '{}': {}, '42': 42, "'x'": 'x', '[1]': [1] } as const;
type Hostile = keyof typeof HOSTILE;

interface Row {
  /** valid arguments (the public ones: a trailing Naming is the CLI's, not tried) */
  args: () => unknown[];
  /** per argument index, the hostile values that are valid there */
  valid?: Record<number, Hostile[]>;
}

/** The exports that are not functions to call: constants and the error classes. */
const NOT_CALLED = [
  'BACKEND_CHOICES', 'DEFAULT_REGRESSION', 'DEFAULT_SCHEDULE', 'IDX_FILES', 'LINEAR_REGRESSION', 'MODELS', 'OPTIMIZER_KINDS', 'REGRESSION_LOSSES',
  'SCHEDULE_KINDS', 'SOFTMAX_CLASSIFIER', 'TEST_FRACTION', 'GpuFault', 'ReportedError', 'TrainingStopped', 'UserError',
];

const image = (n: number) => new Uint8Array(n * 784).map((_, i) => (i * 7) % 256);
const train = { images: image(4), labels: new Uint8Array([0, 1, 2, 3]), count: 4, features: 784 };
const data = L.classificationData(train, null, { kind: 'arrays' }, 'four images');
const zeros = () => new Float32Array(7852);
const regression = L.syntheticData(10, 2, 0.5, 1);
const rows = () => ({ x: new Float64Array([1, 2, 3, 4, 5]), y: new Float64Array([1, 2, 3, 4, 6]), count: 5, dims: 1 });
const tensors = (): Array<[string, L.Tensor]> => [['w', { shape: [1], values: new Float32Array([1]) }]];
const weights = L.encodeWeights(zeros(), L.SOFTMAX_CLASSIFIER, 784);
let engine: L.Engine;
let checkpoint: L.Checkpoint;
let folder: string;
let csv: string;

beforeAll(async () => {
  engine = await L.createEngine(data, 'cpu');
  await L.fit(engine, data, { epochs: 1, batchSize: 4, checkpoint: { everySteps: 1, write: (c) => { checkpoint = c; } } });
  folder = writeIdxFolder(train, train);
  csv = join(mkdtempSync(join(tmpdir(), 'exports-guard-')), 'ok.csv');
  writeFileSync(csv, 'a,y\n1,1\n2,2\n3,3\n4,5\n5,4\n');
});
afterAll(() => engine.destroy());

const NAME: Hostile[] = ["'x'"];
const OPTIONS: Hostile[] = ['undefined', '{}'];
/** a number is valid where a number is asked for (a seed, a count) */
const SEED: Hostile[] = ['42'];

const ROWS: Record<string, Row> = {
  abortReason: { args: () => [new AbortController().signal] },
  // a Dataset's arrays are checked whole when an engine is made for it (checkTrainingData): {} is refused there
  classificationData: { args: () => [train, null, { kind: 'arrays' }, 'four'], valid: { 0: ['{}'], 1: ['null', 'undefined'], 3: NAME } },
  createEngine: { args: () => [data, 'cpu', {}], valid: { 2: OPTIONS } },
  dataChecksum: { args: () => [data] },
  datasetFromIdx: { args: () => [encodeIdx([1, 28, 28], image(1)), 'i', encodeIdx([1], new Uint8Array([3])), 'l'], valid: { 1: [...NAME, 'undefined'], 3: [...NAME, 'undefined'] } },
  decodeCheckpoint: { args: () => [checkpoint && L.encodeCheckpoint(checkpoint), 'c'], valid: { 1: [...NAME, 'undefined'] } },
  decodeSafetensors: { args: () => [L.encodeSafetensors(tensors(), {})], valid: {} },
  decodeWeights: { args: () => [weights, 'w', L.SOFTMAX_CLASSIFIER, 784], valid: { 1: NAME } },
  encodeCheckpoint: { args: () => [checkpoint] },
  encodeSafetensors: { args: () => [tensors(), {}], valid: { 1: ['{}'] } },
  encodeSafetensorsWeights: { args: () => [zeros(), L.SOFTMAX_CLASSIFIER, 784, undefined, {}], valid: { 3: ['undefined'], 4: ['undefined', '{}', '42', "'x'", '[1]', 'null'] } },
  encodeWeights: { args: () => [zeros(), L.SOFTMAX_CLASSIFIER, 784], valid: {} },
  evaluate: { args: () => [engine, zeros(), 'train'], valid: {} },
  fit: { args: () => [engine, data, { epochs: 1, batchSize: 4 }], valid: { 2: OPTIONS } },
  initialParams: { args: () => [data] },
  isWeightsFile: { args: () => [weights] },
  loadCsv: { args: () => [csv, 'y', 1, undefined, {}], valid: { 2: SEED, 3: ['undefined'], 4: OPTIONS } },
  loadMnist: { args: () => [folder], valid: { 0: ['undefined'] } },
  loadOrigin: { args: () => [{ kind: 'synthetic', rows: 10, features: 2, noise: 0.5 }, 1, () => {}, {}], valid: { 1: SEED, 2: ['undefined'], 3: OPTIONS } },
  modelOf: { args: () => [data] },
  openBrowserDeviceWith: { args: () => [{}], valid: { 0: ['{}'] } },
  // openEngine's defaults (and {}) open WebGPU: valid, so not tried here
  openEngine: { args: () => [data, { backend: 'cpu' }], valid: { 1: OPTIONS } },
  openNodeDevice: { args: () => ['swiftshader'] },
  parametersOf: { args: () => [data, zeros()] },
  parseIdx: { args: () => [encodeIdx([1], new Uint8Array([3])), 'l'], valid: { 1: [...NAME, 'undefined'] } },
  readWeights: { args: () => [weights, 'w'], valid: { 1: NAME } },
  // the split's arrays are checked whole when an engine is made for it (checkTrainingData)
  regressionData: { args: () => [regression.split, { kind: 'arrays' }, 'rows', ['a', 'b'], 'y'], valid: { 2: NAME, 4: NAME } },
  regressionFromRows: { args: () => [rows(), 1, {}, { kind: 'arrays' }, 'rows', ['a'], 'y'], valid: { 1: SEED, 2: OPTIONS, 4: NAME, 6: NAME } },
  regressionOptions: { args: () => [{}], valid: { 0: OPTIONS } },
  resolveConfig: { args: () => [data, engine, {}], valid: { 2: OPTIONS } },
  storedParams: { args: () => [data, new Array(7850).fill(0), 'w'], valid: { 2: NAME } },
  syntheticData: { args: () => [10, 2, 0.5, 1, {}], valid: { 0: SEED, 1: SEED, 2: SEED, 3: SEED, 4: OPTIONS } },
  weightsFile: { args: () => [data, zeros(), 'downhill', {}], valid: { 2: ['undefined'], 3: ['undefined', '{}', '42', "'x'", '[1]', 'null'] } },
  weightsFormatOf: { args: () => ['w.bin'], valid: { 0: NAME } },
};

const library: Record<string, unknown> = { ...L, ...browser };

test('every export has a row here, or is a constant or error class', () => {
  expect(Object.keys(library).sort()).toEqual([...Object.keys(ROWS), ...NOT_CALLED].sort());
  for (const name of NOT_CALLED) expect(typeof library[name] === 'function' ? /^class /.test(String(library[name])) : true, name).toBe(true);
});

/** What `fn(...args)` ends in: its result, or what it threw or rejected with. */
async function outcome(fn: (...a: unknown[]) => unknown, args: unknown[]): Promise<{ result?: unknown; error?: unknown }> {
  try {
    const result = await fn(...args);
    const lease = (result as { engine?: { destroy?: () => unknown } } | null)?.engine ?? result;
    if (typeof (lease as { destroy?: unknown } | null)?.destroy === 'function') await (lease as { destroy: () => unknown }).destroy();
    return { result };
  } catch (error) {
    return { error };
  }
}

// the rows' argument lists are counted before beforeAll made the engine and checkpoint (undefined until then)
const cases = Object.entries(ROWS).flatMap(([name, row]) =>
  row.args().flatMap((_, at) => (Object.keys(HOSTILE) as Hostile[]).filter((h) => !(row.valid?.[at] ?? []).includes(h)).map((h) => ({ call: `${name}: argument ${at} ${h}`, name, row, at, h }))));

describe('each hostile argument is refused with a one-line UserError', () => {
  test.each(cases)('$call', async ({ name, row, at, h }) => {
    const args = row.args();
    args[at] = HOSTILE[h];
    const { result, error } = await outcome(library[name] as (...a: unknown[]) => unknown, args);
    expect(error, `${name} returned ${String(result).slice(0, 60)}`).toBeInstanceOf(L.UserError);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  test.each(Object.keys(ROWS).filter((n) => n !== 'openBrowserDeviceWith'))('%s: its valid arguments are accepted', async (name) => {
    const { result, error } = await outcome(library[name] as (...a: unknown[]) => unknown, ROWS[name]!.args());
    expect(error).toBeUndefined();
    expect(result).toBeDefined();
  });
});

describe('one check per option, whichever export takes it (hostile3 #15, #16)', () => {
  const refusal = async (run: () => Promise<unknown>): Promise<string> => run().then(() => 'accepted', (e: Error) => `${e.name}: ${e.message}`);

  test("openNodeDevice refuses adapter 'gpu' as openEngine does", async () => {
    const viaEngine = await refusal(() => L.openEngine(data, { adapter: 'gpu' as never }));
    expect(viaEngine).toMatch(/^UserError: adapter must be one of /);
    expect(await refusal(() => L.openNodeDevice('gpu' as never))).toBe(viaEngine);
  });

  test('createEngine on the CPU refuses a stepVariant as openEngine with backend cpu does', async () => {
    const viaOpen = await refusal(() => L.openEngine(data, { backend: 'cpu', stepVariant: 'fused-32' }));
    expect(viaOpen).toMatch(/^UserError: stepVariant applies to backend webgpu only$/);
    expect(await refusal(() => L.createEngine(data, 'cpu', { stepVariant: 'fused-32' }))).toBe(viaOpen);
  });
});
