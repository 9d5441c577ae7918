// Printable labels for tokens, for the attention heatmap axes, probability bars and token
// stats. A label must be visible (a space or newline would be blank), must not change the
// surrounding text (a bidi override or ZWJ would reorder or join its neighbours), and must not
// pretend a stray byte is a character.

const INVISIBLE_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;
const OTHER_SPACE = /\p{Zs}/u;
const COMBINING = /\p{M}/u;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/**
 * Label of one symbol: a code point, or a lone surrogate (0xD800..0xDFFF as its code unit).
 * ' ' → '␣', '\n' → '↵', '\t' → '\t', '\r' → '\r', other controls → '\x00'-style, format and
 * invisible characters (ZWJ, bidi controls, BOM, NBSP, variation selectors) → '\u{200D}'-style,
 * a lone surrogate → '\uD83D', a combining mark → drawn on a dotted circle '◌́'.
 */
export function symbolLabel(cp: number): string {
  if (cp === 0x20) return '␣';
  if (cp === 0x0a) return '↵';
  if (cp === 0x09) return '\\t';
  if (cp === 0x0d) return '\\r';
  if (cp >= 0xd800 && cp <= 0xdfff) return `\\u${hex(cp, 4)}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `\\x${hex(cp, 2)}`;
  const ch = String.fromCodePoint(cp);
  if (INVISIBLE_OR_FORMAT.test(ch) || OTHER_SPACE.test(ch) || isVariationSelector(cp)) {
    return `\\u{${hex(cp, 4)}}`;
  }
  if (COMBINING.test(ch)) return `◌${ch}`;
  return ch;
}

/** Label of a string: the labels of its code points (lone surrogates included) in order. */
export function stringLabel(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += symbolLabel(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
        i++;
        continue;
      }
    }
    out += symbolLabel(c);
  }
  return out;
}

/**
 * Label of a BPE token's bytes: every complete WTF-8 character gets its symbol label; any byte
 * that is not part of a complete character within the token (half of an emoji, a stray
 * continuation byte) is shown as '<0xE2>'.
 */
export function bytesLabel(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const len = sequenceLength(bytes, i);
    if (len === 0) {
      out += `<0x${hex(bytes[i], 2)}>`;
      i++;
      continue;
    }
    out += symbolLabel(sequenceCodePoint(bytes, i, len));
    i += len;
  }
  return out;
}

/** Length of the complete, valid WTF-8 sequence starting at i, or 0 if there is none. */
function sequenceLength(bytes: ArrayLike<number>, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + need >= bytes.length) return 0;
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k];
    if (b < lo || b > hi) return 0;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

function sequenceCodePoint(bytes: ArrayLike<number>, i: number, len: number): number {
  if (len === 1) return bytes[i];
  let cp = bytes[i] & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
  for (let k = 1; k < len; k++) cp = (cp << 6) | (bytes[i + k] & 0x3f);
  return cp;
}
