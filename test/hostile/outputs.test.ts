/**
 * Output paths, through the real command: every output is checked once, before any work starts,
 * and refused with one line when it cannot be written as asked; symlinks are written through,
 * devices written in place, '-' is standard output; when one output fails at the end (a full
 * disk), the others are still written and the message says which; a failed checkpoint write never
 * points the user at a stale checkpoint.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { SOFTMAX_CLASSIFIER } from '../../src/model';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IDX_FILES } from '../../src/data/load';
import { type Output, writeOutputs } from '../../src/io/outputs';
import { decodeWeights } from '../../src/io/weights';
import { type Command, expectOneLineError, nodeArgs, runCli, withoutLoaderNotice } from '../helpers/cli';
import { head, writeIdxFolder } from '../helpers/idx';
import { mnist } from '../helpers/mnist';

const out = mkdtempSync(join(tmpdir(), 'downhill-outputs-'));
const path = (name: string) => join(out, name);
const data = writeIdxFolder(head(mnist().train, 100), head(mnist().test, 20));
const QUICK = ['--data', data, '--epochs', '1', '--batch-size', '50', '--backend', 'cpu'];

function refused(args: string[], message: RegExp): void {
  const before = readdirSync(out).sort();
  const r = expectOneLineError('train', args, message);
  expect(r.stdout).toBe(''); // refused before any work: not even the adapter line
  expect(readdirSync(out).sort()).toEqual(before);
}

describe('refused before any work, with one line', () => {
  mkdirSync(path('folder'));
  writeFileSync(path('x.csv'), 'a,y\n1,2\n2,4\n3,6\n4,8\n5,10\n6,12\n');
  test.each([
    { name: 'an empty path', args: ['--json', ''], error: /^train: cannot write --json '': the path is empty$/ },
    { name: 'a trailing slash', args: ['--save', `${out}/new/`], error: /cannot write --save .*\/new\/: the path ends with \/ \(it names a folder\)$/ },
    { name: 'an existing folder', args: ['--json', path('folder')], error: /cannot write --json .*folder: it is a folder; only a regular file/ },
    { name: 'a missing parent', args: ['--checkpoint', path('no/such/c.ckpt')], error: /cannot write --checkpoint .*no\/such\/c\.ckpt: the folder .*no\/such does not exist$/ },
    { name: 'a symlink into a missing folder names that folder', args: (() => { symlinkSync(path('gone/w.bin'), path('into-gone')); return ['--save', path('into-gone')]; })(), error: /cannot write --save .*into-gone: the folder .*\/gone does not exist$/ },
    { name: 'a parent that is a file', args: ['--save', path('x.csv/w.bin')], error: /cannot write --save .*x\.csv\/w\.bin: / },
    { name: 'the same file by another name', args: ['--json', path('o.json'), '--save', `${out}/./o.json`], error: /--json .*o\.json and --save .*\.\/o\.json are the same file$/ },
    { name: 'the same file through a folder symlink', args: (() => { symlinkSync(out, path('alias')); return ['--json', path('a.json'), '--checkpoint', path('alias/a.json')]; })(), error: /are the same file$/ },
    { name: 'standard output for weights', args: ['--save', '-'], error: /cannot write --save -: --save cannot go to standard output$/ },
  ])('$name', ({ args, error }) => refused([...QUICK, ...args], error));

  test('an output that is an input: the CSV, an IDX file of --data, the --resume checkpoint', () => {
    refused(['--task', 'regression', '--csv', path('x.csv'), '--target', 'y', '--backend', 'cpu', '--json', path('x.csv')], /--json .*x\.csv is the --csv input .*x\.csv: refusing to overwrite an input$/);
    refused([...QUICK, '--save', join(data, IDX_FILES.train.labels)], /--save .*train-labels-idx1-ubyte is the --data input .*: refusing to overwrite an input$/);
    expect(runCli('train', [...QUICK, '--checkpoint', path('r.ckpt')]).code).toBe(0);
    refused(['--resume', path('r.ckpt'), '--json', path('r.ckpt'), '--checkpoint', path('r2.ckpt')], /--json .*r\.ckpt is the --resume input .*r\.ckpt: refusing to overwrite an input$/);
  });

  test('a sweep checks its --json before training (a missing folder)', () => {
    refused(['--sweep', '--data', data, '--batch-sizes', '50', '--json', path('missing/s.json')], /^train: cannot write --json .*missing\/s\.json: the folder .*missing does not exist$/);
  });

  test('a FIFO is refused, and left a FIFO', () => {
    execFileSync('mkfifo', [path('fifo')]);
    refused([...QUICK, '--json', path('fifo')], /cannot write --json .*fifo: it is a FIFO; only a regular file \(or a character device such as \/dev\/null\) can be written$/);
    expect(lstatSync(path('fifo')).isFIFO()).toBe(true);
  });
});

describe('written as asked', () => {
  test('through a symlink: the target is replaced, the link kept', () => {
    writeFileSync(path('real.json'), 'old');
    symlinkSync('real.json', path('link.json'));
    symlinkSync(path('real.bin'), path('dangling.bin')); // its target does not exist yet
    const r = runCli('train', [...QUICK, '--json', path('link.json'), '--save', path('dangling.bin')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(path('link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path('link.json'))).toBe('real.json');
    expect(JSON.parse(readFileSync(path('real.json'), 'utf8')).schema).toBe('downhill-run/1');
    expect(lstatSync(path('dangling.bin')).isSymbolicLink()).toBe(true);
    expect(decodeWeights(readFileSync(path('real.bin')), 'real.bin', SOFTMAX_CLASSIFIER, 784).length).toBeGreaterThan(0);
  });

  test('a hard link to another output is the same file', () => {
    writeFileSync(path('h1.json'), '{}');
    linkSync(path('h1.json'), path('h2.bin'));
    refused([...QUICK, '--json', path('h1.json'), '--save', path('h2.bin')], /--json .*h1\.json and --save .*h2\.bin are the same file$/);
  });

  test('a character device is written in place: --save /dev/null', () => {
    const r = runCli('train', [...QUICK, '--save', '/dev/null']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote --save /dev/null');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  test("--json - writes the JSON alone to standard output; the log goes to standard error", () => {
    const r = runCli('train', [...QUICK, '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { schema: string; final: unknown };
    expect(report.schema).toBe('downhill-run/1');
    expect(r.stderr).toContain('test: accuracy');
  });

  test('--help says what - means', () => {
    expect(runCli('train', ['--help']).stdout).toMatch(/--json PATH .*\n.*'-' writes it to standard output/);
  });
});

/** A folder on a tiny file system of its own, or undefined where mounting is not allowed. */
function tinyFileSystem(kib: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'downhill-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
  return r.status === 0 ? dir : undefined;
}
const mounted: string[] = [];
afterAll(() => mounted.forEach((d) => spawnSync('umount', [d])));

describe('a full disk at the end', () => {
  const disk = tinyFileSystem(24);
  if (disk) mounted.push(disk);

  test.skipIf(!disk)('the JSON is still written when the weights do not fit, and the message says so', () => {
    // 24 KiB: the run JSON (a few KiB) fits, the weights (31 KiB) do not
    const json = join(disk!, 'run.json');
    const weights = join(disk!, 'w.bin');
    const r = runCli('train', [...QUICK, '--json', json, '--save', weights]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`train: cannot write --save ${weights}: no space left on the device (wrote --json ${json})`);
    expect(JSON.parse(readFileSync(json, 'utf8')).final).not.toBeNull();
    expect(readdirSync(disk!).sort()).toEqual(['run.json']); // no temporary file, no lock left
  });

});

test('a write that fails at the end names the outputs written along the way (a checkpoint), not "nothing else was written"', () => {
  // the folder is gone by the end of the run, as a full disk would fail it
  const json: Output = { flag: '--json', path: path('gone/b.json'), kind: 'file', target: path('gone/b.json') };
  const write = () => writeOutputs([{ output: json, data: () => '{}\n' }], [`--checkpoint ${path('a.ck')}`]);
  expect(write).toThrow(new RegExp(`^cannot write --json .*gone/b\\.json: .* \\(wrote --checkpoint ${path('a.ck')}\\)$`));
});

describe('a full disk mid-run', () => {
  const disk = tinyFileSystem(128);
  if (disk) mounted.push(disk);

  test.skipIf(!disk)('a checkpoint that cannot be written stops the run without pointing at a stale one', () => {
    const ckpt = join(disk!, 'c.ckpt');
    const run = ['--data', data, '--backend', 'cpu', '--batch-size', '1', '--checkpoint', ckpt, '--checkpoint-every', '20'];
    // a first run leaves a checkpoint at update 100 (the end of its one epoch)
    expect(runCli('train', [...run, '--epochs', '1']).code).toBe(0);
    // then the disk fills up: less room than one more checkpoint needs
    const { bavail, bsize } = statfsSync(disk!);
    writeFileSync(join(disk!, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 8192)));
    const r = runCli('train', ['--resume', ckpt, '--epochs', '3', '--checkpoint-every', '20']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `train: cannot write --checkpoint ${ckpt}: no space left on the device; checkpoint ${ckpt} holds update 100 (20 updates before the stop); continue with: npm run train -- --resume ${ckpt} --checkpoint-every 20`,
    );
    expect(readdirSync(disk!).sort()).toEqual(['c.ckpt', 'filler']);
  });
});

test('outputs are not left locked', () => {
  expect(readdirSync(out).filter((f) => f.endsWith('.lock'))).toEqual([]);
  expect(existsSync(path('o.json'))).toBe(false);
});

describe('found by a hostile user', () => {
  test("an output named like another output's lock file is refused (the lock would delete it)", () => {
    refused([...QUICK, '--checkpoint', path('x.ck'), '--json', path('x.ck.lock')], /^train: --json .*x\.ck\.lock is the lock file of --checkpoint .*x\.ck: choose another name$/);
  });

  test('a file that merely ends in .lock is not a lock: left alone, and the run refused', () => {
    writeFileSync(path('notes.json.lock'), 'my notes\n');
    refused([...QUICK, '--json', path('notes.json')], /cannot write --json .*notes\.json: .*notes\.json\.lock exists and is not a downhill lock file; move it away or choose another path$/);
    expect(readFileSync(path('notes.json.lock'), 'utf8')).toBe('my notes\n');
  });

  test('a file name of 250 bytes (within the 255 allowed) is written', () => {
    const long = path(`${'a'.repeat(245)}.json`);
    const r = runCli('train', [...QUICK, '--json', long, '--save', path(`${'b'.repeat(246)}.bin`)]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(long, 'utf8')).schema).toBe('downhill-run/1');
    for (const f of [long, path(`${'b'.repeat(246)}.bin`)]) spawnSync('rm', [f]);
  });

  test('a folder that takes no new files says so (not "does not exist")', () => {
    refused([...QUICK, '--json', '/proc/version'], /^train: cannot write --json \/proc\/version: files cannot be created in \/proc$/);
  });

  test('/dev/tty without a terminal is refused before the run, not after it', () => {
    const r = spawnSync('setsid', [process.execPath, ...nodeArgs('train', [...QUICK, '--json', '/dev/tty'])], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('error: XDG'))).toEqual(['train: cannot write --json /dev/tty: no such device (is there a terminal?)']);
  });

  test.each([
    { name: '/dev/stdout', stream: 'stdout' as const },
    { name: '/dev/stderr', stream: 'stderr' as const },
    { name: '/dev/fd/2', stream: 'stderr' as const },
  ])('$name into a pipe is written through its descriptor', ({ name, stream }) => {
    const r = runCli('train', [...QUICK, '--quiet', '--json', name]);
    expect(r.code, r.stderr).toBe(0);
    const text = r[stream];
    expect((JSON.parse(text.slice(text.search(/^\{/m))) as { schema: string }).schema).toBe('downhill-run/1');
  });

  test('--events /dev/stderr into a pipe gets one line per recording', () => {
    const r = runCli('train', [...QUICK, '--quiet', '--events', '/dev/stderr']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('{"step":')).length).toBeGreaterThan(1);
  });

  test('two outputs to one descriptor are refused', () => {
    refused([...QUICK, '--json', '/dev/stderr', '--events', '/dev/fd/2'], /^train: --json \/dev\/stderr and --events \/dev\/fd\/2 both go to descriptor 2$/);
  });

  test.each([
    { name: 'an empty lock (a crash while it was written)', text: () => '' },
    { name: 'a lock whose process id is now another process (a different start time)', text: () => `${process.pid} 1\n` },
  ])('$name is stale: taken over, and the run writes its output', ({ text }) => {
    writeFileSync(path('stale.json.lock'), text());
    const r = runCli('train', [...QUICK, '--json', path('stale.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path('stale.json'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes('stale.json.lock'))).toEqual([]);
  });

  test('a lock of a live run (its process id and start time) refuses the run', () => {
    const started = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
    writeFileSync(path('live.json.lock'), `${process.pid} ${started}\n`);
    refused([...QUICK, '--json', path('live.json')], new RegExp(`--json .*live\\.json is in use by another run \\(process ${process.pid}, lock file `));
  });

  test('taking over the lock of a killed run also removes the temporary file it was writing', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(path('kk.ck.lock'), `${dead}\n`);
    writeFileSync(path(`.kk.ck.${dead}.tmp`), Buffer.alloc(1000));
    const r = runCli('train', [...QUICK, '--checkpoint', path('kk.ck')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('.kk.ck') || f === 'kk.ck.lock')).toEqual([]);
  });
});

/**
 * Standard output that cannot take what a command prints, as a shell sets it up: a full disk
 * (`> /dev/full`) is one line and exit 2 for every command, after its files are written (a stack
 * trace before); a closed standard output (`>&-`) is refused by the commands whose product it is
 * (predict, evaluate: exit 0, nothing written, before). `> /dev/null` is a choice, and allowed.
 */
describe('standard output that cannot be written', () => {
  const csv = path('stdout-line.csv');
  writeFileSync(csv, 'a,y\n1,3\n2,5\n3,7\n4,9\n5,11\n6,13\n7,15\n8,17\n');
  const regression = path('stdout-line.bin');
  const classifier = path('stdout-classifier.bin');
  const json = path('stdout-train.json');
  const command = (name: Command, args: string[]) => [process.execPath, ...nodeArgs(name, args)].map((w) => `'${w}'`).join(' ');
  const commands = {
    train: command('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--batch-size', 'full', '--epochs', '5', '--backend', 'cpu', '--json', json, '--save', regression]),
    evaluate: command('evaluate', ['--load', classifier, '--data', data, '--backend', 'cpu']),
    'predict --csv': command('predict', ['--load', regression, '--csv', csv]),
    'predict --x': command('predict', ['--load', regression, '--x', '1,2']),
    bench: [process.execPath, ...nodeArgs('bench', ['--help'])].join(' '),
  };
  const inBash = (line: string) => {
    const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, lines: withoutLoaderNotice(r.stderr).trim().split('\n') };
  };

  beforeAll(() => {
    expect(runCli('train', [...QUICK, '--save', classifier]).code).toBe(0);
    expect(runCli('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--batch-size', 'full', '--epochs', '5', '--backend', 'cpu', '--save', regression]).code).toBe(0);
  });

  test.each(Object.keys(commands))('%s > /dev/full: one line, exit 2', (name) => {
    const r = inBash(`${commands[name as keyof typeof commands]} > /dev/full`);
    expect(r.lines).toEqual([`${name.split(' ')[0]}: cannot write standard output: no space left on the device; what it printed is incomplete`]);
    expect(r.code).toBe(2);
    if (name === 'train') expect(JSON.parse(readFileSync(json, 'utf8')).final).not.toBeNull();
  });

  test.each(['evaluate', 'predict --csv', 'predict --x'])('%s >&-: refused with one line, exit 2; > /dev/null is allowed', (name) => {
    const line = commands[name as keyof typeof commands];
    const r = inBash(`${line} >&-`);
    expect(r.lines).toEqual([`${name.split(' ')[0]}: standard output is closed (>&-, or /dev/null opened for reading too): the ${name === 'evaluate' ? 'report' : 'predictions'} would be lost; redirect it to a file, or > /dev/null on purpose`]);
    expect(r.code).toBe(2);
    expect(inBash(`${line} > /dev/null`).code).toBe(0);
  });

  test("train --json - >&-: refused (the JSON is its product there); train's log alone may go nowhere", () => {
    const train = (args: string[]) => command('train', ['--task', 'regression', '--csv', csv, '--target', 'y', '--batch-size', 'full', '--epochs', '1', '--backend', 'cpu', ...args]);
    const r = inBash(`${train(['--json', '-'])} >&-`);
    expect(r.lines).toEqual(['train: standard output is closed (>&-, or /dev/null opened for reading too): the --json output would be lost; redirect it to a file, or > /dev/null on purpose']);
    expect(r.code).toBe(2);
    expect(inBash(`${train([])} >&-`).code).toBe(0);
  });
});
