// WTF-8: UTF-8 extended so that a lone UTF-16 surrogate (which a JS string may hold, e.g. from
// a paste cut in the middle of an emoji) is written as its own 3-byte sequence ED A0..BF xx.
// TextEncoder would replace such a surrogate by U+FFFD and lose it; the byte-level BPE needs
// every JS string to map to bytes and back exactly, so it encodes and decodes here.
//
// Decoding follows the WHATWG UTF-8 decoder (one U+FFFD per maximal invalid subpart), except
// that ED may be followed by A0..BF (a surrogate). Byte sequences that no string produces
// (e.g. a model sampling a stray continuation byte) therefore decode like TextDecoder would.

const REPLACEMENT = 0xfffd;

/** Upper bound on the WTF-8 length of a string: at most 3 bytes per UTF-16 code unit. */
export function maxWtf8Length(text: string): number {
  return text.length * 3;
}

/**
 * Writes the WTF-8 bytes of `text` into `out` from `offset`; returns the end offset. `out`
 * must have room for maxWtf8Length(text) values (an Int32Array lets the BPE trainer write
 * bytes straight into its token buffer).
 */
export function writeWtf8(text: string, out: Uint8Array | Int32Array | Uint32Array, offset: number): number {
  let k = offset;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[k++] = c;
      continue;
    }
    if (c < 0x800) {
      out[k++] = 0xc0 | (c >> 6);
      out[k++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        // A proper surrogate pair: one 4-byte sequence for the code point.
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[k++] = 0xf0 | (c >> 18);
        out[k++] = 0x80 | ((c >> 12) & 0x3f);
        out[k++] = 0x80 | ((c >> 6) & 0x3f);
        out[k++] = 0x80 | (c & 0x3f);
        continue;
      }
    }
    // Other BMP code units, lone surrogates included.
    out[k++] = 0xe0 | (c >> 12);
    out[k++] = 0x80 | ((c >> 6) & 0x3f);
    out[k++] = 0x80 | (c & 0x3f);
  }
  return k;
}

/** The WTF-8 bytes of any JS string (lone surrogates kept). */
export function encodeWtf8(text: string): Uint8Array {
  const buf = new Uint8Array(maxWtf8Length(text));
  const end = writeWtf8(text, buf, 0);
  return buf.slice(0, end);
}

/** Bytes as a string, one U+FFFD per invalid subpart; inverse of encodeWtf8. */
export function decodeWtf8(bytes: ArrayLike<number>): string {
  const decoder = new Wtf8Decoder();
  return decoder.push(bytes) + decoder.flush();
}

/**
 * Incremental decoder: push() returns the text completed so far and keeps back the bytes of a
 * character that has not been completed yet (at most 3). push(a) + push(b) + flush() equals
 * decodeWtf8(a ++ b) for every split, because whether a prefix is valid never depends on where
 * the input was cut. decodeWtf8 is implemented with it so the two cannot disagree.
 */
export class Wtf8Decoder {
  private pending: number[] = [];

  push(bytes: ArrayLike<number>): string {
    let input: ArrayLike<number> = bytes;
    if (this.pending.length > 0) {
      input = [...this.pending, ...Array.from(bytes)];
      this.pending = [];
    }
    const units = new Uint16Array(input.length);
    let u = 0;
    const n = input.length;
    let i = 0;
    while (i < n) {
      const b0 = input[i];
      if (b0 < 0x80) {
        units[u++] = b0;
        i++;
        continue;
      }
      // Number of continuation bytes and the allowed range of the first one: these ranges are
      // what exclude overlongs and code points above U+10FFFF (ED is open for surrogates).
      let need: number;
      let lo = 0x80;
      let hi = 0xbf;
      let cp: number;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 1;
        cp = b0 & 0x1f;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 2;
        cp = b0 & 0x0f;
        if (b0 === 0xe0) lo = 0xa0;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 === 0xf0) lo = 0x90;
        if (b0 === 0xf4) hi = 0x8f;
      } else {
        units[u++] = REPLACEMENT;
        i++;
        continue;
      }
      let k = 1;
      for (; k <= need; k++) {
        if (i + k >= n) break;
        const b = input[i + k];
        if (b < lo || b > hi) break;
        cp = (cp << 6) | (b & 0x3f);
        lo = 0x80;
        hi = 0xbf;
      }
      if (k <= need) {
        if (i + k >= n) {
          // A valid but unfinished character at the end: wait for more bytes.
          for (let j = i; j < n; j++) this.pending.push(input[j]);
          break;
        }
        // Invalid byte: the valid prefix becomes one U+FFFD; the bad byte is read again.
        units[u++] = REPLACEMENT;
        i += k;
        continue;
      }
      if (cp >= 0x10000) {
        units[u++] = 0xd800 + ((cp - 0x10000) >> 10);
        units[u++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      } else {
        units[u++] = cp;
      }
      i += need + 1;
    }
    return unitsToString(units, u);
  }

  /** Ends the stream: an unfinished character becomes one U+FFFD. */
  flush(): string {
    const had = this.pending.length > 0;
    this.pending = [];
    return had ? String.fromCharCode(REPLACEMENT) : '';
  }
}

/** String.fromCharCode over slices, to stay under engines' argument-count limits. */
function unitsToString(units: Uint16Array, length: number): string {
  const SLICE = 8192;
  if (length <= SLICE) return String.fromCharCode.apply(null, units.subarray(0, length) as unknown as number[]);
  const parts: string[] = [];
  for (let s = 0; s < length; s += SLICE) {
    const part = units.subarray(s, Math.min(length, s + SLICE));
    parts.push(String.fromCharCode.apply(null, part as unknown as number[]));
  }
  return parts.join('');
}
