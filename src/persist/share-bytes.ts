// Byte-level helpers of the share-link codec: CRC-32, base64url, and deflate-raw through the
// platform's CompressionStream with an inflate that stops at a size cap. Kept apart from the
// envelope format so each can be tested and read on its own.

// ---- CRC-32 (IEEE 802.3, the polynomial of zip and PNG; reflected, init and xorout ~0) ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 of `bytes` as an unsigned 32-bit integer; crc32("123456789") = 0xcbf43926. Pass the
 * CRC of earlier bytes as `crc` to continue it: crc32(b, crc32(a)) = crc32(a ‖ b).
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---- base64url (RFC 4648 §5) without padding: every character is legal in a URL fragment ----

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** base64url text of `bytes`, unpadded. Built in pieces: one big string concat per byte is slow. */
export function toBase64Url(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const n = i + 2 < end ? 3 : end - i;
      const v = (bytes[i] << 16) | (n > 1 ? bytes[i + 1] << 8 : 0) | (n > 2 ? bytes[i + 2] : 0);
      s += ALPHABET[(v >>> 18) & 63] + ALPHABET[(v >>> 12) & 63];
      if (n > 1) s += ALPHABET[(v >>> 6) & 63];
      if (n > 2) s += ALPHABET[v & 63];
    }
    parts.push(s);
  }
  return parts.join('');
}

/**
 * Bytes of unpadded base64url text, or the index of the first character that is not
 * base64url. A dangling last character (length ≡ 1 mod 4) carries fewer than 8 bits and is
 * dropped: text cut off mid-group decodes to fewer bytes, which the envelope's length field
 * then reports as an incomplete link.
 */
export function fromBase64Url(text: string): { bytes: Uint8Array } | { badIndex: number } {
  const full = text.length - (text.length % 4 === 1 ? 1 : 0);
  const out = new Uint8Array(Math.floor((full * 3) / 4));
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    let v = 0;
    const n = Math.min(4, full - i);
    for (let k = 0; k < 4; k++) {
      const code = k < n ? text.charCodeAt(i + k) : 65; // 'A' = 0 pads the last group
      const d = code < 128 ? DECODE[code] : -1;
      if (d < 0) return { badIndex: i + k };
      v = (v << 6) | d;
    }
    out[o++] = (v >>> 16) & 0xff;
    if (n > 2) out[o++] = (v >>> 8) & 0xff;
    if (n > 3) out[o++] = v & 0xff;
  }
  for (let i = full; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || DECODE[code] < 0) return { badIndex: i };
  }
  return { bytes: out.subarray(0, o) };
}

// ---- deflate-raw ----

/** deflate-raw (RFC 1951) of `bytes` through the platform's CompressionStream. */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const INFLATE_INPUT_CHUNK = 4096;

export class InflateTooLargeError extends Error {
  override name = 'InflateTooLargeError';
}
export class InflateFailedError extends Error {
  override name = 'InflateFailedError';
}

/**
 * Inflates deflate-raw `bytes`, reading the output chunk by chunk and giving up as soon as it
 * passes `maxBytes`: a few kilobytes of crafted deflate can expand to gigabytes, and the
 * convenient `new Response(stream).arrayBuffer()` would allocate all of it first.
 */
export async function inflateRawBounded(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  // Fed in small pieces, each awaited: an implementation may inflate a whole input chunk at
  // once, ignoring backpressure, and 4 kB of deflate expands to at most ~4 MB. Awaiting each
  // write lets the stream's backpressure hold the next piece until we have read the output.
  // Failures (malformed data, our cancel) reject these writes; the reader reports them.
  void (async () => {
    for (let at = 0; at < bytes.length; at += INFLATE_INPUT_CHUNK) {
      await writer.write(bytes.subarray(at, at + INFLATE_INPUT_CHUNK) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })().catch(() => {});
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (e) {
      throw new InflateFailedError(e instanceof Error ? e.message : String(e));
    }
    if (step.done) break;
    total += step.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new InflateTooLargeError(`inflated data exceeds ${maxBytes} bytes`);
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
