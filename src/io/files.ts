/**
 * File reading and writing for the commands. Output files are written atomically: to a temporary
 * file beside the target, flushed to disk, renamed over it, and the folder flushed, so a crash or
 * an error never leaves a half-written file, and a checkpoint that was reported written survives
 * a power loss. Inputs are read only when they are regular files of a bounded size: a FIFO or a
 * device never hangs a run or grows its memory without bound.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors';
import { crc32 } from './crc32';

/** What an errno means for the user, in a few words. */
export function describeFileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'the folder does not exist';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EFBIG': return 'the file is larger than this process may write (file size limit)';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a parent is not a folder';
    case 'ENAMETOOLONG': return 'the file name is too long';
    case 'ENXIO': return 'no such device (is there a terminal?)';
    default: return (e as Error).message;
  }
}

/** What kind of file system object a stat describes, for messages ('a FIFO', 'a folder' …). */
export function describeKind(s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'a regular file';
}

/**
 * A name beside `path` made of its file name and a suffix, shortened (with a checksum of the whole
 * name) where it would pass the 255 bytes a file name may have.
 */
export function besidePath(path: string, prefix: string, suffix: string): string {
  const base = basename(path);
  const room = 255 - Buffer.byteLength(prefix + suffix);
  const name = Buffer.byteLength(base) <= room ? base : `${Buffer.from(base).subarray(0, room - 9).toString('utf8').replace(/\uFFFD+$/, '')}-${crc32(Buffer.from(base)).toString(16).padStart(8, '0')}`;
  return join(dirname(path), `${prefix}${name}${suffix}`);
}

/** The temporary file an atomic write of `path` by process `pid` goes through. */
export function temporaryPath(path: string, pid = process.pid): string {
  return besidePath(path, '.', `.${pid}.tmp`);
}

/**
 * Writes `data` to `path` atomically. `path` must be the real path of the target (no symlink in
 * its last component: see io/outputs.ts, which resolves it), so that a link is kept and its target
 * replaced.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, flag: string): void {
  const tmp = temporaryPath(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, data); // loops until everything is written, unlike a single writeSync
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${flag} ${path}: ${describeFileError(e)}`);
  }
  syncFolder(dirname(path));
}

/** Makes the rename itself durable (Linux); where a folder cannot be opened for fsync, skipped. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (e.g. Windows): the rename is still atomic, only its durability is the OS's
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Inputs larger than this are refused: they would not fit the limits of one Buffer to parse. */
export const MAX_INPUT_BYTES = 2 ** 31 - 1;

/**
 * An input file's bytes, or a UserError `cannot read <label>: <why>` (label: the path, or the
 * option and the path, e.g. '--resume run.ckpt'). Only a regular file is read, and only up to
 * `maxBytes`: a FIFO or a device would block or never end.
 */
export function readInput(path: string, label = path, maxBytes = MAX_INPUT_BYTES): Buffer {
  // an empty path shows as '' (`--init ''`), as an output's does
  const shown = path === '' ? `${label.trimEnd()} ''`.trimStart() : label;
  const fail = (why: string): never => {
    throw new UserError(`cannot read ${shown}: ${why}`);
  };
  if (path === '') fail('the path is empty');
  try {
    const s = statSync(path);
    if (!s.isFile()) fail(`it is ${describeKind(s)}, not a regular file`);
    if (s.size > maxBytes) fail(`it is ${gibibytes(s.size)}; at most ${gibibytes(maxBytes)} can be read`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent is not a folder' : (e as Error).message);
  }
}

function gibibytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
