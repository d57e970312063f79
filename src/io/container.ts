/**
 * The container shared by the weights and checkpoint files: an 8-byte ASCII magic, a u32
 * little-endian header length H, H bytes of UTF-8 JSON (the header, which carries the crc32 of
 * the payload), then the payload bytes. Every length is checked against the file before it is
 * used, so a corrupt header can neither cause a large allocation nor read out of bounds.
 * Pure (no file system), so the browser can use it too.
 */
import { UserError } from '../errors';
import { crc32 } from './crc32';

const MAX_HEADER_BYTES = 1 << 24;

/** The magic of each file in this container, so that either reader can tell the other's file by it. */
export const WEIGHTS_MAGIC = 'DOWNHILL';
export const CHECKPOINT_MAGIC = 'DOWNCKPT';

export function encodeContainer(magic: string, header: Record<string, unknown>, payload: Uint8Array): Uint8Array {
  if (magic.length !== 8) throw new Error(`magic '${magic}' must be 8 characters`);
  const json = new TextEncoder().encode(JSON.stringify({ ...header, crc32: crc32(payload) }));
  const out = new Uint8Array(12 + json.length + payload.length);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payload, 12 + json.length);
  return out;
}

/** true when `bytes` begin with the 8-byte ASCII `magic`: which of downhill's files they are. */
export function startsWithMagic(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= magic.length && new TextDecoder().decode(bytes.subarray(0, magic.length)) === magic;
}

/**
 * The header (a JSON object) and the payload, or a UserError naming `name` and the problem.
 * `what` describes the file in errors ("a downhill weights file"). The caller checks the header's
 * fields, then the payload with checkPayload.
 */
export function decodeContainer(bytes: Uint8Array, name: string, magic: string, what: string): { header: Record<string, unknown>; payload: Uint8Array } {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (!startsWithMagic(bytes, magic)) fail(`not ${what} (missing ${magic} magic)`);
  if (bytes.length < 12) fail(`truncated: ${bytes.length} bytes, shorter than the 12 of the magic and the header's length`);
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (headerBytes > MAX_HEADER_BYTES || 12 + headerBytes > bytes.length) fail(`corrupt header length ${headerBytes} (file has ${bytes.length} bytes)`);
  return { header: jsonObject(bytes.subarray(12, 12 + headerBytes), 'header', fail), payload: bytes.subarray(12 + headerBytes) };
}

/** `bytes` as a UTF-8 JSON object, or `fail` saying the `what` (a file's header) is corrupt and how. */
export function jsonObject(bytes: Uint8Array, what: string, fail: (why: string) => never): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return fail(`corrupt ${what} (not valid JSON)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(`corrupt ${what} (not a JSON object)`);
  return parsed as Record<string, unknown>;
}

/** Checks the payload's length (what the header implies) and then its crc32 against the header's. */
export function checkPayload(header: Record<string, unknown>, payload: Uint8Array, expectedBytes: number, name: string, what: string): void {
  if (payload.length !== expectedBytes) {
    throw new UserError(`${name}: expected ${expectedBytes} bytes of ${what} after the header, found ${payload.length} (truncated or padded)`);
  }
  if (typeof header.crc32 !== 'number') throw new UserError(`${name}: corrupt header (no crc32 of the ${what})`);
  if (crc32(payload) !== header.crc32) throw new UserError(`${name}: checksum mismatch: the ${what} are corrupt`);
}

/** float32 (or, into a Float64Array, float64) values from `bytes` (any alignment, length already checked) into `into`, checked finite. */
export function readFloats(bytes: Uint8Array, into: Float32Array | Float64Array, name: string, what: string): void {
  const copy = new Uint8Array(bytes.length); // aligned copy: `bytes` may sit at any offset in a pool
  copy.set(bytes);
  const values = into instanceof Float64Array ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
  demandFinite(values, name, what);
  into.set(values);
}

/** The one rule of every file's values, written or read: finite numbers only, refused naming `name` and `what`. */
export function demandFinite(values: Float32Array | Float64Array, name: string, what: string): void {
  if (!values.every(Number.isFinite)) throw new UserError(`${name}: ${what} include numbers that are not finite (NaN or infinity)`);
}
