/**
 * The safetensors format (huggingface/safetensors), the float32 and float64 subset downhill writes and reads:
 *
 *   bytes 0-7   u64 little-endian: header length H
 *   bytes 8..   H bytes of UTF-8 JSON: { "<tensor>": { "dtype": "F32" or "F64", "shape": [..],
 *               "data_offsets": [begin, end] }, ..., "__metadata__": { string: string } }
 *               (may end in spaces, which pad the data to 8 bytes)
 *   then        the data buffer: each tensor's values, row-major little-endian, at its offsets
 *               (relative to the buffer's start, contiguous, without gaps or overlaps)
 *
 * Tensors are written in the order given, each right after the last. Reading checks every length
 * and offset against the file before using it, so that a corrupt file can neither allocate much
 * nor read out of bounds, and names the problem. Pure (no file system), so the browser can use it.
 */
import { UserError, check } from '../errors';
import { demand, demandBytes, isObject } from '../fields';
import { demandFinite, jsonObject, readFloats } from './container';

export interface Tensor {
  shape: number[];
  /** F32 or F64, as the array's type says */
  values: Float32Array | Float64Array;
}

/** Each dtype downhill reads and writes, and its values' array. */
const DTYPES = { F32: Float32Array, F64: Float64Array } as const;
type Dtype = keyof typeof DTYPES;

/** The dtype of `values`' array; undefined for any other kind of array (whose bits would be misread as floats). */
function dtypeOf(values: unknown): Dtype | undefined {
  return values instanceof Float64Array ? 'F64' : values instanceof Float32Array ? 'F32' : undefined;
}

/** The key of the header that holds the metadata: no tensor may be named so. */
const METADATA_KEY = '__metadata__';

/** A shape both ways: a list of whole numbers, none negative. */
function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Metadata both ways: an object whose values are all strings. */
function isMetadata(meta: unknown): meta is Record<string, string> {
  return isObject(meta) && Object.values(meta).every((v) => typeof v === 'string');
}

const elementCount = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

const MAX_HEADER_BYTES = 1 << 24;

/** true when `bytes` could be a safetensors file: a header length, then the header's opening '{'. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && bytes[8] === 0x7b;
}

/**
 * The bytes of a safetensors file holding `tensors`, in order, and `metadata`; refuses (a UserError)
 * what decodeSafetensors would refuse to read back, by the same rules.
 */
export function encodeSafetensors(tensors: ReadonlyArray<[string, Tensor]>, metadata: Record<string, string>): Uint8Array {
  demand(Array.isArray(tensors), 'tensors', tensors, 'a list of [name, { shape, values }] pairs');
  demand(isMetadata(metadata), 'metadata', metadata, 'an object whose values are strings');
  const header: Record<string, unknown> = { [METADATA_KEY]: metadata };
  let offset = 0;
  tensors.forEach((pair, i) => {
    const [name, t] = Array.isArray(pair) ? pair : [];
    demand(typeof name === 'string' && name !== METADATA_KEY && !Object.hasOwn(header, name), `tensors[${i}][0]`, name, `a tensor name, a string other than '${METADATA_KEY}' and the other tensors' names`);
    demand(isObject(t), `tensors[${i}][1]`, t, 'a tensor ({ shape, values })');
    const dtype = dtypeOf(t.values);
    demand(dtype !== undefined, `tensor ${name}: values`, t.values, 'a Float32Array or Float64Array');
    demand(isShape(t.shape), `tensor ${name}: shape`, t.shape, 'a list of whole numbers, none negative');
    check(elementCount(t.shape) === t.values.length, `tensor ${name}: shape [${t.shape}] holds ${elementCount(t.shape)} values, given ${t.values.length}`);
    demandFinite(t.values, `tensor ${name}`, 'the values');
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.values.byteLength] };
    offset += t.values.byteLength;
  });
  const json = JSON.stringify(header);
  const padded = json + ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const text = new TextEncoder().encode(padded);
  const out = new Uint8Array(8 + text.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const [, t] of tensors) {
    // little-endian on every platform the engine runs on (WebGPU's buffers are too)
    out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), at);
    at += t.values.byteLength;
  }
  return out;
}

/** Every tensor and the metadata of a float32 or float64 safetensors file, or a UserError naming `name` and the problem. */
export function decodeSafetensors(bytes: Uint8Array, name = 'safetensors bytes'): Safetensors {
  demandBytes('bytes', bytes, "a safetensors file's bytes");
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file (${bytes.length} bytes, shorter than its 8-byte header length)`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) fail(`corrupt safetensors header length ${length} (file has ${bytes.length} bytes)`);
  const headerEnd = 8 + Number(length);
  const data = bytes.subarray(headerEnd);
  const { [METADATA_KEY]: meta, ...entries } = jsonObject(bytes.subarray(8, headerEnd), 'safetensors header', fail);
  const metadata = readMetadata(meta, fail);
  const spans: Array<[number, number, string]> = [];
  const tensors = new Map<string, Tensor>();
  for (const [tensor, entry] of Object.entries(entries)) {
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const shape = e?.shape;
    const offsets = e?.data_offsets;
    if (!Object.hasOwn(DTYPES, String(e?.dtype))) fail(`tensor ${tensor} has dtype ${String(e?.dtype)}; downhill reads F32 and F64 only`);
    const Values = DTYPES[e!.dtype as Dtype];
    if (!isShape(shape)) fail(`tensor ${tensor}: corrupt shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) fail(`tensor ${tensor}: corrupt data_offsets`);
    const [begin, end] = offsets as [number, number];
    const count = elementCount(shape as number[]);
    const bytesNeeded = Values.BYTES_PER_ELEMENT * count;
    if (end - begin !== bytesNeeded) fail(`tensor ${tensor}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes; shape [${shape}] needs ${bytesNeeded}`);
    if (end > data.length) fail(`tensor ${tensor} ends at byte ${end} of the data; the file has ${data.length} (truncated)`);
    const values = new Values(count);
    readFloats(data.subarray(begin, end), values, name, `tensor ${tensor}'s values`);
    tensors.set(tensor, { shape: shape as number[], values });
    spans.push([begin, end, tensor]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, tensor] of spans) {
    if (begin !== covered) fail(`tensor ${tensor} starts at byte ${begin} of the data, not ${covered} (a gap or an overlap)`);
    covered = end;
  }
  if (covered !== data.length) fail(`the data is ${data.length} bytes; its tensors cover ${covered} (truncated or padded)`);
  return { tensors, metadata };
}

function readMetadata(meta: unknown, fail: (why: string) => never): Record<string, string> {
  if (meta === undefined) return {};
  if (!isMetadata(meta)) return fail('corrupt __metadata__ (not a JSON object of strings)');
  return meta;
}
