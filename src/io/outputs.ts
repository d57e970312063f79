/**
 * A command's output files, checked once, before any work starts, and written together at the
 * end. Each output path is resolved to what will really be written:
 *   - a name of one of this process's descriptors (/dev/stdout, /dev/stderr, /dev/fd/N,
 *     /proc/self/fd/N) is written through that descriptor, whatever it is (a pipe, a terminal, a
 *     file: appended where it stands); '-' is descriptor 1, standard output, which only the outputs
 *     that allow it may name (--json -);
 *   - a symlink is followed: its target is replaced and the link kept;
 *   - a character device (/dev/null) is written through, in place;
 *   - a folder, a FIFO, a socket or a block device is refused, as are an empty path, a path that
 *     ends in '/', a missing parent folder and a folder we may not write to;
 *   - two outputs that are the same file (by real path, or by inode for hard links) are refused,
 *     and so is an output that is one of the command's inputs.
 * Each file output is then locked (a `PATH.lock` beside it, holding the process id and its start
 * time, created whole or not at all, and for a file that exists one named by its inode: inodeLockPath) so that two runs never write the same file and
 * both report success.
 */
import { closeSync, existsSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { besidePath, describeFileError, describeKind, temporaryPath, writeFileAtomic } from './files';

export interface OutputRequest {
  /** the option that names it, e.g. '--json' */
  flag: string;
  path: string;
  /** '-' means standard output */
  stdoutAllowed?: boolean;
}

export interface InputRequest {
  flag: string;
  path: string;
  /** an output flag that may name this same file (--checkpoint continues --resume's file) */
  sameFileAs?: string;
}

export interface Output {
  flag: string;
  /** as the user gave it, for messages */
  path: string;
  kind: 'stream' | 'file' | 'device';
  /** the real path written (a link's target, a file beside an existing real folder); for a stream, its descriptor's name */
  target: string;
  /** a stream's descriptor (1 for standard output) */
  fd?: number;
}

/** Whether `o` goes to standard output (descriptor 1). */
export function toStandardOutput(o: Output): boolean {
  return o.kind === 'stream' && o.fd === 1;
}

interface Identity {
  target: string;
  inode?: string;
}

function refuse(flag: string, path: string, why: string): never {
  throw new UserError(`cannot write ${flag} ${path}: ${why}`);
}

/** Follows symlinks in the last component, even a dangling one, to the path a write would create. */
function followLinks(path: string): string {
  let at = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const s = lstatSync(at, { throwIfNoEntry: false });
    if (!s?.isSymbolicLink()) return at;
    const link = readlinkSync(at);
    at = isAbsolute(link) ? link : resolve(dirname(at), link);
  }
  throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' });
}

/** The real path a write to `path` reaches, with the folder's symlinks resolved too. */
function realTarget(path: string): string {
  const followed = followLinks(path);
  return join(realpathSync(dirname(followed)), basename(followed));
}

function identity(target: string): Identity {
  const s = statSync(target, { throwIfNoEntry: false });
  return { target, inode: s ? `${s.dev}:${s.ino}` : undefined };
}

function same(a: Identity, b: Identity): boolean {
  return a.target === b.target || (a.inode !== undefined && a.inode === b.inode);
}

/**
 * The descriptor a path names, if it names one of this process's: a pipe behind it has no path
 * to write through, and a file behind it is the one the shell opened (2>log), to add to, not replace.
 */
function descriptorNamed(path: string): number | undefined {
  if (path === '-' || path === '/dev/stdout') return 1;
  if (path === '/dev/stderr') return 2;
  const n = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(path)?.[1];
  return n === undefined ? undefined : Number(n);
}

/** The lock file that keeps another run off the output `target`. */
export function lockPath(target: string): string {
  return besidePath(target, '', '.lock');
}

/**
 * The lock that keeps another run off an existing file under any of its names: hard links give one
 * file several paths, each with its own PATH.lock (two runs wrote one events file through a hard
 * link, their lines interleaved with NUL bytes). Named by device and inode, in the temporary
 * folder the runs share; a file this run creates has no other name yet.
 */
export function inodeLockPath(target: string): string | undefined {
  const s = statSync(target, { throwIfNoEntry: false });
  return s?.isFile() ? join(tmpdir(), `downhill-${s.dev}-${s.ino}.lock`) : undefined;
}

function checkOne(o: OutputRequest): Output {
  const { flag, path } = o;
  if (path === '') refuse(flag, "''", 'the path is empty');
  const fd = descriptorNamed(path);
  if (fd !== undefined) {
    if (fd === 1 && !o.stdoutAllowed) refuse(flag, path, `${flag} cannot go to standard output`);
    try {
      fstatSync(fd);
    } catch {
      refuse(flag, path, `descriptor ${fd} is not open`);
    }
    return { flag, path, kind: 'stream', target: `/dev/fd/${fd}`, fd };
  }
  if (path.endsWith('/')) refuse(flag, path, 'the path ends with / (it names a folder)');
  let target: string;
  try {
    target = realTarget(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // a symlink's missing folder is its target's (the link's own folder exists)
    return refuse(flag, path, code === 'ENOENT' ? `the folder ${dirname(followLinks(path))} does not exist` : describeFileError(e));
  }
  const s = statSync(target, { throwIfNoEntry: false });
  if (s?.isCharacterDevice()) {
    // opened (and closed) now: a device that cannot be written (no terminal for /dev/tty) fails before the run
    try {
      closeSync(openSync(target, 'w'));
    } catch (e) {
      refuse(flag, path, describeFileError(e));
    }
    return { flag, path, kind: 'device', target };
  }
  if (s && !s.isFile()) refuse(flag, path, `it is ${describeKind(s)}; only a regular file (or a character device such as /dev/null) can be written`);
  // can a file be created beside it (the temporary file of the atomic write)?
  checkCreatable(flag, path, target);
  return { flag, path, kind: 'file', target };
}

/** Refuses `path` unless a file can be created beside `target`, its real path in an existing folder. */
function checkCreatable(flag: string, path: string, target: string): void {
  const tmp = temporaryPath(target);
  try {
    closeSync(openSync(tmp, 'w'));
    rmSync(tmp, { force: true });
  } catch (e) {
    // the folder exists (its real path was found): ENOENT here means it takes no new files (/proc)
    const code = (e as NodeJS.ErrnoException).code;
    refuse(flag, path, code === 'ENOENT' ? `files cannot be created in ${dirname(target)}` : describeFileError(e));
  }
}

/**
 * Creates `dir` and its missing parents one level at a time, from its nearest existing ancestor.
 * Not mkdirSync's recursive mode: Node 20 loops forever on it under /proc (`/proc/x`), where a
 * plain mkdir fails at once (ENOENT: the folder takes no new entries).
 */
export function createFolders(flag: string, dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  let s = lstatOrUndefined(at);
  while (!s && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
    s = lstatOrUndefined(at);
  }
  // the nearest existing ancestor (s) must be a folder, links followed
  if (s && !statSync(at, { throwIfNoEntry: false })?.isDirectory()) refuse(flag, dir, 'it, or a folder above it, is not a folder');
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(folder).isDirectory()) continue; // made meanwhile by another process
      refuse(flag, dir, code === 'ENOENT' ? `folders cannot be created in ${dirname(folder)}` : code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a folder above it, is not a folder' : `cannot create it: ${describeFileError(e)}`);
    }
  }
}

/** The entry at `path` (a link itself, not followed), or undefined where there is none (a file above it included). */
function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Checks an output folder (the benchmarks' --out) before any work, without creating it (a run that
 * measures nothing leaves no empty folder; the writer makes it: unusedBase): refused with one line
 * unless it is a folder in which files can be created, or a missing one whose nearest existing
 * folder above takes new files (where it will be made).
 */
export function checkOutputFolder(flag: string, dir: string): void {
  if (dir === '') refuse(flag, "''", 'the path is empty');
  let existing = resolve(dir);
  while (!existsSync(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  const s = statSync(real);
  if (!s.isDirectory()) refuse(flag, dir, existing === resolve(dir) ? `it is ${describeKind(s)}, not a folder` : 'it, or a folder above it, is not a folder');
  checkCreatable(flag, dir, join(real, 'downhill-output'));
}

/**
 * Checks every output (and that none is an input or another output); throws a UserError naming
 * the first problem. Inputs that do not exist are left to their own reader to report.
 */
export function checkOutputs(requests: readonly OutputRequest[], inputs: readonly InputRequest[] = []): Output[] {
  const outputs = requests.map(checkOne);
  const ids = outputs.map((o) => (o.kind === 'file' ? identity(o.target) : undefined));
  for (const o of outputs) {
    const owner = outputs.find((p) => p !== o && p.kind === 'file' && o.kind === 'file' && lockPath(p.target) === o.target);
    if (owner) throw new UserError(`${o.flag} ${o.path} is the lock file of ${owner.flag} ${owner.path}: choose another name`);
  }
  for (let i = 0; i < outputs.length; i++) {
    for (let j = i + 1; j < outputs.length; j++) {
      const [a, b] = [ids[i], ids[j]];
      if (a && b && same(a, b)) throw new UserError(`${outputs[i]!.flag} ${outputs[i]!.path} and ${outputs[j]!.flag} ${outputs[j]!.path} are the same file`);
    }
    const a = outputs[i]!;
    const b = outputs.find((o, j) => j > i && a.kind === 'stream' && o.fd === a.fd);
    if (b) throw new UserError(a.fd === 1 ? 'only one output can go to standard output (-)' : `${a.flag} ${a.path} and ${b.flag} ${b.path} both go to descriptor ${a.fd}`);
  }
  for (const input of inputs) {
    let id: Identity;
    try {
      id = identity(realpathSync(input.path));
    } catch {
      continue;
    }
    for (const [i, o] of outputs.entries()) {
      if (ids[i] && same(ids[i]!, id) && input.sameFileAs !== o.flag) {
        throw new UserError(`${o.flag} ${o.path} is the ${input.flag} input ${input.path}: refusing to overwrite an input`);
      }
    }
  }
  return outputs;
}

/** The reader of standard output went away while an output was written there (`--json - | head`): that output was cut. */
let standardOutputCut = false;

/** Whether an output to standard output was cut by its reader going away (the command then ends with SIGPIPE's status). */
export function standardOutputWasCut(): boolean {
  return standardOutputCut;
}

/**
 * Writes one output: atomically for a file, in place for a device, through its descriptor for a stream.
 * Standard output's reader gone (EPIPE) is no failure of the run (the other outputs are written);
 * it is recorded for the command's exit status (standardOutputWasCut).
 */
export function writeOutput(o: Output, data: Uint8Array | string): void {
  if (o.kind === 'file') return writeFileAtomic(o.target, data, o.flag);
  try {
    if (o.kind === 'device') writeFileSync(o.target, data);
    else writeAllSync(o.fd!, typeof data === 'string' ? Buffer.from(data) : data);
  } catch (e) {
    if (toStandardOutput(o) && (e as NodeJS.ErrnoException).code === 'EPIPE') {
      standardOutputCut = true;
      return;
    }
    throw new UserError(`cannot write ${o.flag} ${o.path}: ${describeFileError(e)}`);
  }
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/**
 * Writes every output even when one fails (a full disk), then reports: the returned list names
 * what was written; a failure throws one UserError that names what failed and what was written,
 * `writtenBefore` first (outputs the run wrote along the way: `--checkpoint c.ck`, `--events e.jsonl`).
 */
export function writeOutputs(items: ReadonlyArray<{ output: Output; data: () => Uint8Array | string }>, writtenBefore: readonly string[] = []): Output[] {
  const written: Output[] = [];
  const failed: string[] = [];
  for (const { output, data } of items) {
    try {
      writeOutput(output, data());
      written.push(output);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      failed.push(e.message);
    }
  }
  if (failed.length > 0) {
    const all = [...writtenBefore, ...written.map((o) => `${o.flag} ${o.path}`)];
    const wrote = all.length > 0 ? `wrote ${all.join(', ')}` : 'nothing else was written';
    throw new UserError(`${failed.join('; ')} (${wrote})`);
  }
  return written;
}

/** Lock files held by this process, removed on exit however it ends (but SIGKILL: see takeLock). */
const held = new Set<string>();
let exitHookInstalled = false;

/**
 * What a lock file holds: the process id and, where /proc tells it, the process's start time (in
 * clock ticks since boot), so that a process id reused by another process is not taken for the owner.
 */
function lockText(pid = process.pid): string {
  const started = startTime(pid);
  return started === undefined ? `${pid}\n` : `${pid} ${started}\n`;
}

/** Field 22 of /proc/PID/stat (after the command name, which may hold spaces and parentheses), if readable. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process a lock names still runs: the same process id, started at the same time when the lock says when. */
function alive(pid: number, started: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return started === undefined || now === undefined || now === started;
}

/**
 * Takes `TARGET.lock` for each file output. A lock whose process is gone (killed with SIGKILL, or its
 * process id now another process's) is stale and taken over, as is an empty one; one held by a
 * live process refuses the run. Returns the release.
 */
export function lockOutputs(outputs: readonly Output[]): () => void {
  if (!exitHookInstalled) {
    process.on('exit', () => held.forEach((l) => rmSync(l, { force: true })));
    exitHookInstalled = true;
  }
  const mine: string[] = [];
  const release = () => {
    for (const l of mine) {
      rmSync(l, { force: true });
      held.delete(l);
    }
  };
  try {
    for (const o of outputs.filter((x) => x.kind === 'file')) {
      for (const lock of [lockPath(o.target), inodeLockPath(o.target)]) {
        if (lock === undefined) continue;
        takeLock(lock, o);
        mine.push(lock);
        held.add(lock);
      }
    }
  } catch (e) {
    release();
    throw e;
  }
  return release;
}

function takeLock(lock: string, o: Output): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLock(lock, o)) return;
    let text: string | undefined;
    try {
      text = readFileSync(lock, 'utf8');
    } catch {
      continue; // removed meanwhile: try again
    }
    // only a lock downhill wrote (a process id and its start time; empty: a crash before the write
    // of an older version) is ever taken over; any other file is left alone
    const m = /^(?:(\d+)(?: (\d+))?\n?)?$/.exec(text);
    if (!m) refuse(o.flag, o.path, `${lock} exists and is not a downhill lock file; move it away or choose another path`);
    const pid = m[1] === undefined ? undefined : Number.parseInt(m[1], 10);
    if (pid !== undefined && pid !== process.pid && alive(pid, m[2])) {
      const name = lock === lockPath(o.target) ? '' : ', perhaps through another name (a hard link)';
      throw new UserError(`${o.flag} ${o.path} is in use by another run${name} (process ${pid}, lock file ${lock}); wait for it, or choose another path`);
    }
    // stale: its process is gone (killed); so is the temporary file it may have been writing
    if (pid !== undefined) rmSync(temporaryPath(o.target, pid), { force: true });
    rmSync(lock, { force: true });
  }
  refuse(o.flag, o.path, `its lock file ${lock} keeps reappearing`);
}

/**
 * Creates `lock` whole or not at all (a full disk never leaves it empty): its text goes to a
 * temporary file, linked to the lock's name, which fails if the name exists. False when it does.
 */
function createLock(lock: string, o: Output): boolean {
  const tmp = temporaryPath(lock);
  try {
    writeFileSync(tmp, lockText());
    linkSync(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') refuse(o.flag, o.path, `cannot create its lock file ${lock}: ${describeFileError(e)}`);
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}
