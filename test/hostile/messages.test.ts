/**
 * What the user reads, through the real command: a stopped run's resume hint is a command that
 * works as printed, in a shell, after --backend cpu and --data runs; --adapter hardware without a
 * GPU says one clear line and nothing from Dawn; nothing Dawn or the Vulkan loader prints lands
 * inside one of downhill's own lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { freezeAtCheckpoint, nodeArgs, runCli, startCli } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-messages-'));
const data = writeIdxFolder(head(mnist().train, 300), head(mnist().test, 30));

describe('the resume hint works as printed', () => {
  test('after a --backend cpu run on --data, pasted into a shell (npm run train)', async () => {
    const ckpt = join(out, 'my run.ckpt'); // a space: the hint must quote it
    const weights = join(out, 'w.bin');
    const args = ['--data', data, '--backend', 'cpu', '--batch-size', '1', '--epochs', '3', '--optimizer', 'nesterov', '--save', weights];
    const whole = runCli('train', [...args.slice(0, -1), join(out, 'whole.bin')]);
    expect(whole.code).toBe(0);
    const run = startCli('train', [...args, '--checkpoint', ckpt, '--checkpoint-every', '50']);
    const frozen = await freezeAtCheckpoint(run, ckpt, 1);
    run.child.kill('SIGINT');
    frozen.resume();
    const r = await run.done;
    expect(r.code).toBe(130);
    const hint = /continue with: (npm run train -- .*)$/m.exec(r.stderr)![1]!;
    expect(hint).toBe(`npm run train -- --resume '${ckpt}' --save ${weights} --checkpoint-every 50`);
    const shell = spawnSync('bash', ['-c', hint], { encoding: 'utf8', timeout: 120_000 });
    expect(shell.status, shell.stderr).toBe(0);
    expect(readFileSync(weights).equals(readFileSync(join(out, 'whole.bin')))).toBe(true);
  });
});

describe('Dawn stays out of our lines', () => {
  test('--adapter hardware without a GPU: exactly one line on stderr, nothing from Dawn', () => {
    const r = spawnSync(process.execPath, nodeArgs('train', ['--data', data, '--adapter', 'hardware']), { encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^train: --adapter hardware: no GPU was found \(no \/dev\/dri\/renderD\* or \/dev\/nvidia\* device with a Vulkan driver manifest, and VK_ICD_FILENAMES is not set\); use --adapter swiftshader or auto/)]);
  });

  test('stdout and stderr in one stream: every line is whole, ours or theirs', async () => {
    // both streams to one pipe, as in a terminal or `2>&1 | tee log`
    const child = spawn('bash', ['-c', `exec ${[process.execPath, ...nodeArgs('train', ['--data', data, '--epochs', '2', '--batch-size', '10'])].join(' ')} 2>&1`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lines = text.split('\n').filter((l) => l !== '');
    const ours = /^(backend|data|training|lr|optimizer|epoch|steps|parameters|train|test|warning|speed|true\\pred|\s+\d)[: ]/;
    const loader = /^error: XDG_RUNTIME_DIR is invalid or not set in the environment\.$/;
    for (const line of lines) expect(ours.test(line) || loader.test(line), line).toBe(true);
    // the loader's notice, if any, comes before our first line
    const first = lines.findIndex((l) => ours.test(l));
    expect(lines.slice(first).some((l) => loader.test(l))).toBe(false);
  });
});
