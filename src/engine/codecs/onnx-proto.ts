// A tiny protocol-buffers writer: just the wire format ONNX needs (varints, fixed32 floats and
// length-delimited bytes, strings and sub-messages), after the public encoding spec at
// protobuf.dev/programming-guides/encoding. We write it ourselves rather than pull in a
// protobuf library for the dozen message types of onnx.proto.
//
// A message is a list of byte chunks plus its total length. A nested message is appended by
// reference (its length is already known), so the weights are copied once, into the final
// buffer, however deep they sit.

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Bytes of `v` as a base-128 varint; negative integers as 64-bit two's complement (10 bytes). */
export function encodeVarint(v: number | bigint): Uint8Array {
  let u: bigint;
  if (typeof v === 'bigint') u = BigInt.asUintN(64, v);
  else {
    if (!Number.isSafeInteger(v)) throw new RangeError(`varint: ${v} is not a safe integer`);
    if (v >= 0) return encodeSmallVarint(v);
    u = BigInt.asUintN(64, BigInt(v));
  }
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return Uint8Array.from(out);
}

/** The common case (non-negative, ≤ 2^53) without BigInt: lengths, field tags, dims. */
function encodeSmallVarint(v: number): Uint8Array {
  const out: number[] = [];
  // Division, not >>>, because the value may exceed 32 bits.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A field's key: (field number << 3) | wire type, itself a varint. */
export function encodeTag(field: number, wireType: number): Uint8Array {
  if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`bad field number ${field}`);
  return encodeSmallVarint(field * 8 + wireType);
}

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.len += bytes.length;
    return this;
  }

  /** int32 / int64 / enum / bool field (negative values take 10 bytes, as protobuf requires). */
  varint(field: number, v: number | bigint): this {
    return this.push(encodeTag(field, WIRE_VARINT)).push(encodeVarint(v));
  }

  /** `float` field: 4 bytes, little-endian IEEE 754. */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.push(encodeTag(field, WIRE_FIXED32)).push(b);
  }

  /** `bytes` field. The array is kept by reference until finish(): do not modify it before. */
  bytes(field: number, b: Uint8Array): this {
    return this.push(encodeTag(field, WIRE_LEN)).push(encodeSmallVarint(b.length)).push(b);
  }

  /** `string` field, UTF-8. */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** Embedded message field. */
  message(field: number, m: ProtoWriter): this {
    this.push(encodeTag(field, WIRE_LEN)).push(encodeSmallVarint(m.len));
    for (const c of m.chunks) this.push(c);
    return this;
  }

  /** The message's bytes, in one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
