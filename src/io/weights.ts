/**
 * The weights file: a small JSON header, then the parameters as raw little-endian float32.
 *
 *   bytes 0-7   ASCII "DOWNHILL"
 *   bytes 8-11  u32 little-endian: header length H
 *   bytes 12..  H bytes of UTF-8 JSON: { format, version, classes, features, count, dtype,
 *               layout, crc32 }   (crc32 of the float32 bytes that follow)
 *   then        count float32: W (classes, features) row-major, then b (classes)
 *
 * Encoding and decoding are pure (no file system), so the browser can use them too.
 */
import { UserError } from '../errors';
import { CLASSES, type ParamLayout, paramLayout } from '../model';
import { crc32 } from './crc32';

const MAGIC = 'DOWNHILL';
const MAX_HEADER_BYTES = 64 * 1024;

export interface WeightsHeader {
  format: 'downhill-weights';
  version: 1;
  classes: number;
  features: number;
  count: number;
  dtype: 'float32';
  layout: string;
  crc32: number;
}

/** `params` in the padded layout; only the meaningful C·D + C values are written. */
export function encodeWeights(params: Float32Array, layout: ParamLayout): Uint8Array {
  const values = new Uint8Array(Float32Array.from(params.subarray(0, layout.count)).buffer);
  const header: WeightsHeader = {
    format: 'downhill-weights',
    version: 1,
    classes: CLASSES,
    features: layout.features,
    count: layout.count,
    dtype: 'float32',
    layout: 'W (classes, features) row-major, then b (classes); little-endian',
    crc32: crc32(values),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.length + values.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(values, 12 + json.length);
  return out;
}

/** Returns parameters in the padded layout for `features`, or throws a UserError naming the problem. */
export function decodeWeights(bytes: Uint8Array, name: string, features: number): Float32Array {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('not a downhill weights file (missing DOWNHILL magic)');
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (headerBytes > MAX_HEADER_BYTES || 12 + headerBytes > bytes.length) fail(`corrupt header length ${headerBytes} (file has ${bytes.length} bytes)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerBytes)));
  } catch {
    return fail('corrupt header (not valid JSON)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('corrupt header (not a JSON object)');
  const header = parsed as Partial<WeightsHeader>;
  if (header.format !== 'downhill-weights' || header.version !== 1 || header.dtype !== 'float32') {
    fail(`unsupported header (format ${String(header.format)}, version ${String(header.version)}, dtype ${String(header.dtype)})`);
  }
  const layout = paramLayout(features);
  if (header.classes !== CLASSES || header.features !== features || header.count !== layout.count) {
    fail(`weights are for ${header.classes} classes x ${header.features} features (${header.count} values); this data needs ${CLASSES} x ${features} (${layout.count})`);
  }
  const values = bytes.subarray(12 + headerBytes);
  if (values.length !== layout.count * 4) fail(`expected ${layout.count * 4} bytes of float32 values after the header, found ${values.length} (truncated or padded)`);
  if (crc32(values) !== header.crc32) fail('checksum mismatch: the values are corrupt');
  const params = new Float32Array(layout.paddedCount);
  const copy = new Uint8Array(values.length); // aligned copy: `bytes` may sit at any offset in a pool
  copy.set(values);
  params.set(new Float32Array(copy.buffer));
  if (!params.every(Number.isFinite)) fail('contains values that are not finite numbers');
  return params;
}
