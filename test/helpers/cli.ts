/**
 * The commands, spawned as a user runs them. They run this test run's build of the commands
 * (test/helpers/cli-bundle.ts): the package's own bundle of the same source, with the package's
 * options, which node starts in ~0.1 s where `node --import tsx src/cli/….ts` takes ~0.45 s, a
 * cost paid by a few hundred spawns. What only `npm run …` and tsx add (npm's process group and
 * signals, the scripts' lines) is checked through the real scripts: test/commands/documented.test.ts,
 * startNpm here (test/hostile/signals.test.ts) and test/package.
 */
import { expect, inject } from 'vitest';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '../../src/io/checkpoint';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without the Vulkan loader's harmless XDG_RUNTIME_DIR notice */
  stderr: string;
}

export type Command = 'train' | 'evaluate' | 'predict';

export function withoutLoaderNotice(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('error: XDG_RUNTIME_DIR is invalid'))
    .join('\n');
}

/** node's arguments for `npm run <command>`'s script: this run's build of it (test/helpers/cli-bundle.ts). */
export function nodeArgs(command: Command | 'bench', args: string[]): string[] {
  const bundle = inject('cliBundle');
  if (!bundle) throw new Error('no build of the commands: run the tests through vitest.config.ts (its globalSetup builds them)');
  return [join(bundle, `${command}.js`), ...args];
}

/** Runs `npm run <command>`'s script directly (its build, see above), as a user would, and waits. */
export function runCli(command: Command, args: string[], env: Record<string, string> = {}, input?: string): CliResult {
  const r = spawnSync(process.execPath, nodeArgs(command, args), {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...env },
    input,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: withoutLoaderNotice(r.stderr) };
}

export interface Running {
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult>;
  /** the process ended (`done` waits for its pipes too, which a process it left behind can hold) */
  exited: Promise<void>;
}

/** Starts a command in the background, to be signalled. */
export function startCli(command: Command, args: string[], env: Record<string, string> = {}): Running {
  return running(spawn(process.execPath, nodeArgs(command, args), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
}

/** Starts a command in a process group of its own (it leads it), to be signalled as a group (signalGroup). */
export function startCliInGroup(command: Command, args: string[]): Running {
  return running(spawn(process.execPath, nodeArgs(command, args), { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

/**
 * Starts a command under GNU `timeout --preserve-status -s SIGNAL` (it exits with the command's
 * status, not 124) with a limit it never reaches: SIGALRM to the returned child (timeout) is its
 * expiry, when it sends SIGNAL to the command and then to its process group.
 */
export function startUnderTimeout(signal: NodeJS.Signals, command: Command, args: string[]): Running {
  return running(spawn('timeout', ['--preserve-status', '-s', signal, '3600', process.execPath, ...nodeArgs(command, args)], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * Starts `npm run <script> -- args` as a user would, in a process group of its own (npm leads it),
 * to be signalled as a terminal, `timeout` or a service manager does (signalGroup).
 */
export function startNpm(script: Command | 'bench', args: string[]): Running {
  return running(spawn('npm', ['run', '--silent', script, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

/** Sends `signal` to a command's whole process group, as Ctrl-C or `timeout` does. */
export function signalGroup(run: Running, signal: NodeJS.Signals): void {
  process.kill(-run.child.pid!, signal);
}

function running(child: ChildProcess): Running {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: withoutLoaderNotice(stderr) })),
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, output: () => ({ stdout, stderr }), done, exited };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves when `condition` holds (polled every `everyMs`), or fails after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000, everyMs = 5): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += everyMs) {
    if (condition()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The update count a checkpoint file holds, or -1 while it does not exist (writes are atomic). */
export function checkpointSteps(file: string): number {
  return existsSync(file) ? decodeCheckpoint(readFileSync(file), file).state.steps : -1;
}

/**
 * Freezes a running command (SIGSTOP) as soon as its checkpoint reaches `steps` updates, so that
 * a signal sent next lands mid-run however fast the run is; `resume()` lets it go on (SIGCONT).
 */
export async function freezeAtCheckpoint(run: Running, file: string, steps: number): Promise<{ resume: () => void }> {
  await waitFor(`${file} to reach ${steps} updates`, () => checkpointSteps(file) >= steps || run.child.exitCode !== null);
  if (run.child.exitCode !== null) throw new Error(`the run ended (exit ${run.child.exitCode}) before its checkpoint reached ${steps}: ${run.output().stderr}`);
  run.child.kill('SIGSTOP');
  return { resume: () => run.child.kill('SIGCONT') };
}

/**
 * A user error as the commands promise it: no signal, exit 2, exactly one line on stderr that
 * starts with the command's name and matches `message`, no stack trace.
 */
export function expectOneLineError(command: Command, args: string[], message: RegExp, env: Record<string, string> = {}): CliResult {
  const r = runCli(command, args, env);
  expect(r.signal).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${command}: `));
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
}
