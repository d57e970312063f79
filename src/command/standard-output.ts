/**
 * A command whose product is its standard output (predict's predictions, evaluate's report,
 * train's `--json -`) refuses to run when that output was closed (`>&-`). Node gives a closed descriptor /dev/null,
 * opened for reading and writing, where a shell's `> /dev/null` opens it for writing only; without
 * this check the command wrote nothing and exited 0. A daemon or a parent's `stdio: 'ignore'`,
 * which give /dev/null the same way, are refused too: nothing would read the output there either. Linux only (/proc):
 * elsewhere nothing is checked.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { check } from '../errors';
import { type Output, toStandardOutput } from '../io/outputs';

const O_ACCMODE = 0o3;
const O_RDWR = 0o2;

export function checkStandardOutputOpen(product: string): void {
  check(!stdoutWasClosed(), `standard output is closed (>&-, or /dev/null opened for reading too): the ${product} would be lost; redirect it to a file, or > /dev/null on purpose`);
}

/** The output among `outputs` that goes to standard output (`--json -`), if one does, is a product. */
export function checkOutputsToStandardOutput(outputs: readonly Output[]): void {
  const o = outputs.find((x) => toStandardOutput(x));
  if (o) checkStandardOutputOpen(`${o.flag} output`);
}

function stdoutWasClosed(): boolean {
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return readlinkSync('/proc/self/fd/1') === '/dev/null' && flags !== undefined && (parseInt(flags, 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}
