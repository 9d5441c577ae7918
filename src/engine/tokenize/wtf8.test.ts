import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { TRICKY_STRINGS, randomString } from './testing';
import { Wtf8Decoder, decodeWtf8, encodeWtf8 } from './wtf8';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('WTF-8', () => {
  it('agrees with TextEncoder on well-formed strings', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', '👨‍👩‍👧', 'a\u0000b', '\u{10FFFF}']) {
      expect(hex(encodeWtf8(s)), JSON.stringify(s)).toBe(hex(new TextEncoder().encode(s)));
    }
  });

  it('writes a lone surrogate as its own 3-byte sequence', () => {
    expect(hex(encodeWtf8('\uD83D'))).toBe('ed a0 bd');
    expect(hex(encodeWtf8('\uDE00'))).toBe('ed b8 80');
    // Reversed halves are not a pair: two sequences, not one 4-byte character.
    expect(hex(encodeWtf8('\uDE00\uD83D'))).toBe('ed b8 80 ed a0 bd');
  });

  it.each(Object.entries(TRICKY_STRINGS))('round-trips %s', (_name, s) => {
    expect(decodeWtf8(encodeWtf8(s))).toBe(s);
  });

  it('round-trips random strings, lone surrogates included', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let t = 0; t < 200; t++) {
      const s = randomString(rng, rng.int(60));
      expect(decodeWtf8(encodeWtf8(s)), `seed ${seed}`).toBe(s);
    }
  });

  it('decodes invalid bytes like TextDecoder (one U+FFFD per maximal subpart)', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const reference = new TextDecoder('utf-8');
    for (let t = 0; t < 500; t++) {
      // 0xED is the one lead byte where WTF-8 deliberately differs (it accepts surrogates).
      const bytes = Uint8Array.from({ length: rng.int(24) }, () => {
        const b = rng.int(5) === 0 ? rng.int(0x80) : 0x80 + rng.int(0x80);
        return b === 0xed ? 0xee : b;
      });
      expect(decodeWtf8(bytes), `seed ${seed}, bytes ${hex(bytes)}`).toBe(reference.decode(bytes));
    }
  });

  it('streams: any split of the bytes gives the same text as decoding at once', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let t = 0; t < 200; t++) {
      // Valid text with some random garbage bytes spliced in.
      const valid = encodeWtf8(randomString(rng, rng.int(30)));
      const bytes = Array.from(valid);
      for (let g = rng.int(3); g > 0; g--) bytes.splice(rng.int(bytes.length + 1), 0, 0x80 + rng.int(0x80));
      const decoder = new Wtf8Decoder();
      let streamed = '';
      for (let i = 0; i < bytes.length; ) {
        const step = 1 + rng.int(4);
        streamed += decoder.push(bytes.slice(i, i + step));
        i += step;
      }
      streamed += decoder.flush();
      expect(streamed, `seed ${seed}`).toBe(decodeWtf8(bytes));
    }
  });

  it('holds back an incomplete character until it is complete, and flushes it as U+FFFD', () => {
    const d = new Wtf8Decoder();
    expect(d.push([0xf0, 0x9f])).toBe('');
    expect(d.push([0x98])).toBe('');
    expect(d.push([0x80, 0x21])).toBe('😀!');
    expect(d.push([0xe2, 0x82])).toBe('');
    expect(d.flush()).toBe('\uFFFD');
    expect(d.flush()).toBe('');
  });
});
