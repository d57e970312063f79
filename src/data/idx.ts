/**
 * Parser for the IDX format of the original MNIST files (big-endian header, then raw data):
 *   bytes 0-1: 0, byte 2: element type (0x08 = unsigned byte), byte 3: number of dimensions d,
 *   then d big-endian u32 sizes, then the elements. Only unsigned bytes are accepted.
 * Everything the header claims is checked against the file's real length before use, and the
 * data is returned as a view into the file: a corrupt header can never cause a large allocation.
 */
import { UserError } from '../errors';
import { demandBytes, demandName } from '../fields';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;
const MAX_DIMS = 4;

export function parseIdx(bytes: Uint8Array, name = 'IDX bytes'): IdxArray {
  demandBytes('bytes', bytes, "an IDX file's bytes");
  demandName('name', name);
  if (bytes.length < 4) throw new UserError(`${name}: not an IDX file (only ${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${name}: not an IDX file (bad magic number 0x${hex(bytes, 0, 4)}; expected 0x0000080N)`);
  }
  if (bytes[2] !== UBYTE) {
    throw new UserError(`${name}: IDX element type 0x${hex(bytes, 2, 1)} is not supported (only unsigned bytes, 0x08)`);
  }
  const ndims = bytes[3]!;
  if (ndims < 1 || ndims > MAX_DIMS) throw new UserError(`${name}: IDX header claims ${ndims} dimensions (1 to ${MAX_DIMS} supported)`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new UserError(`${name}: truncated IDX header (${bytes.length} bytes, need ${headerBytes})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < expected) {
    throw new UserError(`${name}: truncated: header says ${dims.join('x')} = ${expected} bytes of data, file has ${actual}`);
  }
  if (actual > expected) {
    throw new UserError(`${name}: ${actual - expected} unexpected bytes after the ${dims.join('x')} data the header describes`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function hex(bytes: Uint8Array, from: number, count: number): string {
  return Array.from(bytes.subarray(from, from + count), (b) => b.toString(16).padStart(2, '0')).join('');
}
