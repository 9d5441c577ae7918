import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { CharTokenizer, UnknownCharacterError } from './char';
import { TRICKY_STRINGS, randomString, streamAll, trickyCorpus } from './testing';

describe('CharTokenizer', () => {
  it('vocabulary is the sorted set of distinct code points', () => {
    const tok = CharTokenizer.fromCorpus('hello world');
    expect(tok.vocabSize).toBe(8);
    expect(tok.decode(Uint32Array.from({ length: 8 }, (_, i) => i))).toBe(' dehlorw');
    expect(Array.from(tok.encode('hello'))).toEqual([3, 2, 4, 4, 5]);
  });

  it('counts code points, not UTF-16 units or graphemes', () => {
    // One emoji = one token; the family is 4 people + 3 ZWJs = 2 distinct symbols + ZWJ.
    expect(CharTokenizer.fromCorpus('😀').vocabSize).toBe(1);
    expect(CharTokenizer.fromCorpus('👨‍👨‍👨').vocabSize).toBe(2);
    expect(CharTokenizer.fromCorpus('👨‍👨‍👨').encode('👨‍👨‍👨').length).toBe(5);
    // CRLF is two tokens; a combining mark is its own token.
    expect(CharTokenizer.fromCorpus('\r\n').encode('\r\n').length).toBe(2);
    expect(CharTokenizer.fromCorpus('e\u0301').vocabSize).toBe(2);
    // A lone surrogate is a symbol of its own, sorted by its code unit.
    const tok = CharTokenizer.fromCorpus('\uD800a\uDC00😀\uE000');
    expect(tok.vocabSize).toBe(5);
    expect(tok.decode([0, 1, 2, 3, 4])).toBe('a\uD800\uDC00\uE000😀');
    expect(tok.toJSON().codePoints).toEqual([0x61, 0xd800, 0xdc00, 0xe000, 0x1f600]);
  });

  it.each(Object.entries(TRICKY_STRINGS))('round-trips %s', (_name, s) => {
    const tok = CharTokenizer.fromCorpus(trickyCorpus());
    expect(tok.decode(tok.encode(s))).toBe(s);
    expect(streamAll(tok.streamDecoder(), tok.encode(s))).toBe(s);
  });

  it('round-trips random strings and any string made of corpus symbols', { timeout: 60_000 }, () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let t = 0; t < 100; t++) {
      const corpus = randomString(rng, 1 + rng.int(80));
      const tok = CharTokenizer.fromCorpus(corpus);
      expect(tok.decode(tok.encode(corpus)), `seed ${seed}`).toBe(corpus);
      // Random concatenations of vocabulary symbols: a lone high followed by a lone low forms
      // a pair in the JS string, which must still encode (as its two halves) and round-trip.
      let s = '';
      for (let k = rng.int(40); k > 0; k--) s += tok.symbol(rng.int(tok.vocabSize));
      const ids = tok.encode(s);
      expect(tok.decode(ids), `seed ${seed}`).toBe(s);
      expect(streamAll(tok.streamDecoder(), ids), `seed ${seed}`).toBe(s);
    }
  });

  it('writes an unknown surrogate pair as its two lone halves when both are symbols', () => {
    const tok = CharTokenizer.fromCorpus('\uD83D \uDE00');
    expect(tok.encode('\uD83D\uDE00').length).toBe(2);
    expect(tok.decode(tok.encode('😀'))).toBe('😀');
  });

  it('throws UnknownCharacterError naming the character and its position', () => {
    const tok = CharTokenizer.fromCorpus('abc ');
    let error: unknown;
    try {
      tok.encode('ab c😀x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownCharacterError);
    const u = error as UnknownCharacterError;
    expect(u.char).toBe('😀');
    expect(u.codePoint).toBe(0x1f600);
    expect(u.index).toBe(4);
    expect(u.message).toContain('😀');
    expect(u.message).toContain('U+1F600');
    expect(u.message).toContain('position 4');
    // An invisible character is named by its escape.
    expect(() => tok.encode('a\u0000')).toThrow(/'\\x00' \(U\+0000\) at position 1/);
    expect(() => tok.encode('\uD800')).toThrow(UnknownCharacterError);
  });

  it("skips unknown characters with { unknown: 'skip' }", () => {
    const tok = CharTokenizer.fromCorpus('abc');
    expect(tok.decode(tok.encode('a?b😀c\uD800', { unknown: 'skip' }))).toBe('abc');
    expect(tok.encode('???', { unknown: 'skip' }).length).toBe(0);
  });

  it('rejects an empty corpus and out-of-range ids', () => {
    expect(() => CharTokenizer.fromCorpus('')).toThrow(/empty/);
    const tok = CharTokenizer.fromCorpus('ab');
    expect(() => tok.decode([2])).toThrow(RangeError);
    expect(() => tok.decode([-1])).toThrow(RangeError);
    expect(() => tok.decode([0.5])).toThrow(RangeError);
    expect(() => tok.tokenLabel(2)).toThrow(RangeError);
    expect(() => tok.streamDecoder().push(7)).toThrow(RangeError);
  });

  it('labels tokens readably', () => {
    const tok = CharTokenizer.fromCorpus('a \n\t\r\u0000\u001b😀\u200D\u0301\uD800\u00A0\u202E');
    const labels = Array.from({ length: tok.vocabSize }, (_, id) => [tok.symbol(id), tok.tokenLabel(id)]);
    expect(Object.fromEntries(labels)).toEqual({
      a: 'a',
      ' ': '␣',
      '\n': '↵',
      '\t': '\\t',
      '\r': '\\r',
      '\u0000': '\\x00',
      '\u001b': '\\x1B',
      '😀': '😀',
      '\u200D': '\\u{200D}',
      '\u0301': '◌\u0301',
      '\uD800': '\\uD800',
      '\u00A0': '\\u{00A0}',
      '\u202E': '\\u{202E}',
    });
  });
});
