/**
 * A safetensors reader written from the format's definition (huggingface/safetensors, README
 * "Format"), sharing no code with src/io/safetensors.ts, so that downhill's files are checked by
 * what another tool would do with them:
 *   8 bytes: N, an unsigned little-endian 64-bit integer, the size of the header
 *   N bytes: a UTF-8 JSON object; keys are tensor names, values { dtype, shape, data_offsets:
 *            [BEGIN, END] } with offsets relative to the byte buffer's start; the special key
 *            "__metadata__" maps strings to strings; the header may be trailing-padded with spaces
 *   rest:    the byte buffer; tensors are little-endian, row-major, and must cover it entirely,
 *            without holes
 */
export interface ReadTensor {
  dtype: string;
  shape: number[];
  /** the values, read as float32 or float64 (the dtypes this reader converts) */
  values: number[];
  begin: number;
  end: number;
}

export interface ReadFile {
  headerBytes: number;
  keys: string[];
  metadata: Record<string, string> | undefined;
  tensors: Record<string, ReadTensor>;
}

export function readSafetensorsIndependently(file: Uint8Array): ReadFile {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  if (!headerText.startsWith('{')) throw new Error('the header does not start with {');
  if (headerText !== headerText.trimEnd() + ' '.repeat(headerText.length - headerText.trimEnd().length)) throw new Error('bad padding');
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const base = 8 + n;
  const tensors: Record<string, ReadTensor> = {};
  const spans: Array<[number, number]> = [];
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, d) => a * d, 1);
    const size = { F32: 4, F64: 8 }[e.dtype];
    if (size === undefined) throw new Error(`${key}: dtype ${e.dtype}`);
    if (end - begin !== size * count) throw new Error(`${key}: ${end - begin} bytes for ${count} values`);
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(size === 8 ? view.getFloat64(base + begin + 8 * i, true) : view.getFloat32(base + begin + 4 * i, true));
    tensors[key] = { dtype: e.dtype, shape: e.shape, values, begin, end };
    spans.push([begin, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end] of spans) {
    if (begin !== at) throw new Error(`a hole or an overlap at byte ${at}`);
    at = end;
  }
  if (base + at !== file.length) throw new Error(`the tensors cover ${at} bytes of a ${file.length - base}-byte buffer`);
  return { headerBytes: n, keys: Object.keys(header), metadata: header.__metadata__ as Record<string, string> | undefined, tensors };
}

/** A file as another tool writes one: the given tensors and header text order, no metadata unless given, no padding. */
export function writeSafetensorsIndependently(tensors: Array<[string, number[], number[]]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape, values] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 4 * values.length] };
    offset += 4 * values.length;
  }
  if (metadata) header.__metadata__ = metadata;
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const [, , values] of tensors) for (const v of values) (view.setFloat32(at, v, true), (at += 4));
  return out;
}
