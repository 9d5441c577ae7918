// The safetensors file format (the format of Hugging Face's `safetensors` library), so that a
// checkpoint moves between the playground and PyTorch without pickles:
//
//   [8 bytes: header length N, u64 little-endian]
//   [N bytes: UTF-8 JSON {"__metadata__": {str: str}, name: {dtype, shape, data_offsets}, ...},
//             padded with spaces so the data starts 8-byte aligned]
//   [the tensors' raw little-endian bytes; data_offsets = [begin, end) relative to here]
//
// A file comes from the user's disk, so the reader trusts nothing: every length, offset and
// shape is checked before a byte of data is read, and a bad file fails with an
// InvalidCheckpointError that says exactly what is wrong (rather than a RangeError later).

/** A checkpoint file that is truncated, malformed or does not fit the model. */
export class InvalidCheckpointError extends Error {
  override name = 'InvalidCheckpointError';
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ReadTensor {
  /** The dtype stored in the file (F32, F16 or BF16); the data is always converted to f32. */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: Map<string, ReadTensor>;
  metadata: Record<string, string>;
}

/**
 * The Rust implementation behind Python's `safetensors` refuses headers above 100 MB; the
 * writer keeps to it so that every file we write opens in PyTorch, and the reader uses it to
 * refuse an absurd length before allocating anything.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of the dtypes we decode. */
const SUPPORTED_DTYPES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** Every dtype the safetensors spec defines, to tell "unsupported" from "not a dtype at all". */
const KNOWN_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];

const METADATA_KEY = '__metadata__';

const fail = (message: string): never => {
  throw new InvalidCheckpointError(message);
};

const shapeText = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** Typed arrays use the host's byte order; every browser we run on is little-endian, but check. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialises tensors (f32) and string metadata into a safetensors file, in the given order. */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string>): Uint8Array {
  // The header is assembled by hand rather than JSON.stringify of one object, because JS
  // objects put integer-like keys ("0", "12") first: the file keeps the caller's order.
  const parts: string[] = [];
  const metaEntries = Object.entries(metadata);
  for (const [k, v] of metaEntries) {
    if (typeof v !== 'string') throw new TypeError(`writeSafetensors: metadata "${k}" must be a string`);
  }
  if (metaEntries.length > 0) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(Object.fromEntries(metaEntries))}`);
  const seen = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY) throw new Error(`writeSafetensors: "${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (seen.has(t.name)) throw new Error(`writeSafetensors: tensor name "${t.name}" appears twice`);
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`writeSafetensors: tensor ${t.name} has an invalid shape ${shapeText(t.shape)}`);
    }
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new Error(`writeSafetensors: tensor ${t.name} has shape ${shapeText(t.shape)} (${n} elements) but ${t.data.length} values`);
    }
    const info = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    offset += 4 * n;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) {
    throw new Error(`writeSafetensors: the header would be ${headerLen} bytes, above the ${MAX_HEADER_BYTES}-byte limit of the safetensors library`);
  }
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen); // spaces: still valid JSON whitespace
  let pos = 8 + headerLen;
  for (const t of tensors) {
    if (HOST_LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + 4 * i, t.data[i], true);
    pos += t.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and validates a safetensors file; every F32/F16/BF16 tensor comes back as f32. */
export function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length of a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen64 = view.getBigUint64(0, true);
  if (headerLen64 > BigInt(bytes.length - 8)) fail(`header length ${headerLen64} exceeds the file (${bytes.length} bytes)`);
  const headerLen = Number(headerLen64);
  if (headerLen > MAX_HEADER_BYTES) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const header = parseHeader(bytes.subarray(8, 8 + headerLen));
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value, dataLen));
  }
  checkCoverage(entries, dataLen);

  const tensors = new Map<string, ReadTensor>();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(raw, e.dtype) });
  }
  return { tensors, metadata };
}

function parseHeader(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return fail('the header is not valid UTF-8 (is this a safetensors file?)');
  }
  // The spec requires '{' first; checking it gives a better message for, say, a PyTorch .pt zip.
  if (!text.startsWith('{')) fail(`the header does not start with "{" (is this a safetensors file?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail(`the header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('the header must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`"${METADATA_KEY}" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`metadata "${k}" must be a string, got ${JSON.stringify(v) ?? typeof v}`);
    out[k] = v as string;
  }
  return out;
}

function parseEntry(name: string, value: unknown, dataLen: number): Entry {
  const where = `tensor ${name}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where}: the entry must be an object`);
  const v = value as Record<string, unknown>;
  const dtype = v.dtype;
  if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype)) {
    fail(`${where}: ${JSON.stringify(dtype) ?? 'a missing value'} is not a safetensors dtype`);
  }
  const elemBytes = SUPPORTED_DTYPES[dtype as string];
  if (elemBytes === undefined) fail(`${where}: dtype ${dtype as string} is not supported (F32, F16 or BF16 expected)`);
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape) ?? 'nothing'}`);
  }
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`${where}: data_offsets must be two non-negative integers, got ${JSON.stringify(offsets) ?? 'nothing'}`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) fail(`${where}: data_offsets [${begin},${end}] end before they begin`);
  if (end > dataLen) fail(`${where}: data_offsets [${begin},${end}] run past the end of the data (${dataLen} bytes; is the file truncated?)`);
  // Multiply in floating point: a hostile shape may overflow, but then it cannot equal the
  // (small, exact) byte count, and the check below rejects it either way.
  const dims = shape as number[];
  const need = dims.reduce((a, b) => a * b, 1) * elemBytes!;
  if (need !== end - begin) fail(`${where}: shape ${shapeText(dims)} needs ${need} bytes, offsets give ${end - begin}`);
  return { name, dtype: dtype as string, shape: dims, begin, end };
}

/** Tensors must tile the data exactly: start at 0, no overlaps, no gaps, nothing after. */
function checkCoverage(entries: Entry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) fail(`tensors ${prev!.name} and ${e.name} overlap (bytes ${prev!.begin}–${prev!.end} and ${e.begin}–${e.end})`);
    if (e.begin > pos) {
      fail(prev ? `${e.begin - pos} unclaimed bytes between tensors ${prev.name} and ${e.name}` : `${e.begin} unclaimed bytes before tensor ${e.name}`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(`${dataLen - pos} bytes of trailing data after the last tensor`);
}

function decode(raw: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === 'F32') {
    // Copy into a fresh (aligned) buffer: the data of a tensor need not start 4-byte aligned.
    if (HOST_LITTLE_ENDIAN) return new Float32Array(raw.slice().buffer);
    return Float32Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
  }
  const n = raw.length / 2;
  const out = new Float32Array(n);
  if (dtype === 'BF16') {
    // bfloat16 is the top half of an f32: shift the bits back into place.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  } else {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  }
  return out;
}

/** IEEE 754 binary16 → number: subnormals, infinities and NaN included. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
