// Inputs shared by the tokenizer tests: strings that break naive tokenizers, and a seeded
// generator of random strings covering every kind of UTF-16 content.

import type { Rng } from '../../core/rng';

/** Each entry is a case a tokenizer must round-trip exactly. */
export const TRICKY_STRINGS: Record<string, string> = {
  'family emoji (ZWJ sequence)': '👨‍👩‍👧‍👦',
  'emoji with skin tone': '👍🏽 and 👋🏿',
  'flag (regional indicators)': '🇫🇷',
  'emoji with variation selector': '❤️',
  'combining marks (decomposed é, stacked marks)': 'cafe\u0301 a\u0308\u0323 Z̤͔ͧ̑̓',
  'CJK and Hangul': '日本語のテキスト，中文。한국어',
  'CRLF line endings': 'line one\r\nline two\r\n',
  'lone high surrogate': 'broken \uD83D paste',
  'lone low surrogate': 'broken \uDE00 paste',
  'lone surrogates at both ends': '\uDC00middle\uD800',
  'low before high (two lone surrogates)': '\uDC00\uD800',
  'NUL and other controls': 'a\u0000b\u0001\u001b[0m\u007f',
  'HTML injection': '<img src=x onerror=alert(1)>',
  'bidi override and BOM': '\u202Eabc\u202C\uFEFF',
  'contractions and numbers': "I'm sure it's 1,234.56 o'clock, y'all'll see",
  'runs of whitespace': 'a  \t\t b\n\n\n   c   ',
  'astral math letters': '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛',
  'max code point and noncharacters': '\u{10FFFF}\uFFFF\uFFFE',
  empty: '',
};

/** All tricky strings joined: a corpus containing every tricky character. */
export function trickyCorpus(): string {
  return Object.values(TRICKY_STRINGS).join(' | ');
}

/**
 * A random string of `length` pieces: mostly ASCII words (so BPE finds pairs to merge), mixed
 * with Latin/BMP characters, astral code points, combining marks, CRLF, NUL, ZWJ emoji and
 * lone high and low surrogates.
 */
export function randomString(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rng.int(100);
    if (r < 40) s += 'etaoin shrdlu'[rng.int(13)];
    else if (r < 50) s += String.fromCharCode(0x20 + rng.int(0x5f));
    else if (r < 58) s += String.fromCharCode(0x80 + rng.int(0x780)); // 2-byte range
    else if (r < 64) s += String.fromCharCode(randomBmpNonSurrogate(rng));
    else if (r < 72) s += String.fromCodePoint(0x10000 + rng.int(0x100000));
    else if (r < 76) s += String.fromCodePoint(0x1f600 + rng.int(16));
    else if (r < 80) s += String.fromCharCode(0x300 + rng.int(0x70)); // combining mark
    else if (r < 84) s += String.fromCharCode(0xd800 + rng.int(0x400)); // lone high (unless a low follows)
    else if (r < 88) s += String.fromCharCode(0xdc00 + rng.int(0x400)); // lone low
    else if (r < 91) s += '\r\n';
    else if (r < 93) s += '\u0000';
    else if (r < 96) s += '\u200D';
    else s += ' '.repeat(1 + rng.int(4));
  }
  return s;
}

function randomBmpNonSurrogate(rng: Rng): number {
  for (;;) {
    const c = 0x800 + rng.int(0x10000 - 0x800);
    if (c < 0xd800 || c > 0xdfff) return c;
  }
}

/** Concatenation of everything a stream decoder returns for `ids`, token by token. */
export function streamAll(decoder: { push(id: number): string; flush(): string }, ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += decoder.push(ids[i]);
  return s + decoder.flush();
}
