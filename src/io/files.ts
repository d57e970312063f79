/**
 * Output files are written atomically: to a temporary file beside the target, flushed to disk,
 * renamed over it, and the folder flushed, so a crash or an error never leaves a half-written
 * file, and a checkpoint that was reported written survives a power loss. Output paths are
 * checked before training starts, so a run is not lost to an unwritable path at the end.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors';

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'the folder does not exist';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a parent is not a folder';
    default: return (e as Error).message;
  }
}

function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

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
    throw new UserError(`cannot write ${flag} ${path}: ${describe(e)}`);
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

/** Fails now if `path` could not be written later (missing folder, no permission, a folder). */
export function checkWritable(path: string, flag: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  } catch (e) {
    throw new UserError(`cannot write ${flag} ${path}: ${describe(e)}`);
  }
  const tmp = temporaryPath(path);
  try {
    closeSync(openSync(tmp, 'w'));
    rmSync(tmp, { force: true });
  } catch (e) {
    throw new UserError(`cannot write ${flag} ${path}: ${describe(e)}`);
  }
}

/**
 * An input file's bytes, or a UserError `cannot read <label>: <why>` (label: the path, or the
 * option and the path, e.g. '--resume run.ckpt').
 */
export function readInput(path: string, label = path): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UserError(`cannot read ${label}: ${why}`);
  }
}
