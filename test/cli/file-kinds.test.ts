/**
 * Files told apart by their magic before anything else is read: a checkpoint given where weights
 * are taken (evaluate --load, predict --load, train --init), weights given to --resume, and a
 * checkpoint in the format of an older downhill, each refused with one line that says what the
 * file is and what to do. Through the real commands, and in-process for a checkpoint whose
 * header length begins with '{' (read as safetensors before: "corrupt safetensors header length").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeCheckpoint } from '../../src/io/checkpoint';
import { CHECKPOINT_MAGIC, decodeContainer, encodeContainer } from '../../src/io/container';
import { crc32 } from '../../src/io/crc32';
import { readWeights } from '../../src/io/weights';
import { runCli } from '../helpers/cli';

const out = mkdtempSync(join(tmpdir(), 'downhill-file-kinds-'));
const path = (name: string) => join(out, name);

describe('through the commands', () => {
  const ckpt = path('run.ckpt');
  const weights = path('w.bin');
  const trained = runCli('train', ['--task', 'regression', '--synthetic', '40,2', '--backend', 'cpu', '--epochs', '1', '--checkpoint', ckpt, '--save', weights, '--quiet']);

  const oneLine = (r: ReturnType<typeof runCli>, pattern: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  };

  test.each([
    ['evaluate', ['--load', ckpt, '--backend', 'cpu']],
    ['predict', ['--load', ckpt, '--x', '1,2']],
    ['train', ['--task', 'regression', '--synthetic', '40,2', '--backend', 'cpu', '--epochs', '1', '--init', ckpt]],
  ] as const)('%s given the checkpoint where weights go says it is a checkpoint and how to get its weights', (command, args) => {
    expect(trained.code, trained.stderr).toBe(0);
    const flag = args.includes('--init') ? '--init' : '--load';
    oneLine(runCli(command, [...args]), new RegExp(`${flag} \\S*run\\.ckpt is a training checkpoint, not weights: .*--resume \\S*run\\.ckpt --save WEIGHTS`));
  });

  test('train --resume given weights says they are weights, for --init', () => {
    oneLine(runCli('train', ['--resume', weights]), /--resume \S*w\.bin is a weights file, not a training checkpoint: --init \S*w\.bin starts a new run/);
  });

  test('train --resume given a checkpoint of an older format says so, and which', () => {
    // the format of before 2026-11-22: the same container, its run without optimizer and schedule
    const { header, payload } = decodeContainer(readFileSync(ckpt), ckpt, CHECKPOINT_MAGIC, 'a checkpoint');
    const floatBytes = payload.length - (header.metaBytes as number);
    const meta = JSON.parse(new TextDecoder().decode(payload.subarray(floatBytes))) as { run: Record<string, unknown> };
    delete meta.run.optimizer;
    delete meta.run.schedule;
    const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
    const older = new Uint8Array(floatBytes + metaBytes.length);
    older.set(payload.subarray(0, floatBytes));
    older.set(metaBytes, floatBytes);
    writeFileSync(path('old.ckpt'), encodeContainer(CHECKPOINT_MAGIC, { ...header, metaBytes: metaBytes.length }, older));
    oneLine(runCli('train', ['--resume', path('old.ckpt')]), /old\.ckpt: is an older checkpoint format \(downhill-checkpoint version 1 as written before 2026-11-22, without the optimizer and schedule\)/);
  });
});

test('a checkpoint whose header length begins with "{" is a checkpoint to the weights reader, not a corrupt safetensors file', () => {
  const header = { format: 'downhill-checkpoint', version: 1, tensors: [{ name: 'params', count: 4 }], metaBytes: 2, pad: '' };
  const payload = new Uint8Array(18);
  const length = () => new TextEncoder().encode(JSON.stringify({ ...header, crc32: crc32(payload) })).length;
  while (length() % 256 !== 0x7b) header.pad += 'x';
  const bytes = encodeContainer(CHECKPOINT_MAGIC, header, payload);
  expect(bytes[8]).toBe(0x7b);
  expect(() => readWeights(bytes, 'run.ckpt')).toThrow(/^run\.ckpt: is a training checkpoint \(the whole state of a run\), not a weights file$/);
  expect(() => decodeCheckpoint(new Uint8Array(18), 'w')).toThrow(/w: not a downhill checkpoint/);
});
