import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { BpeTokenizer, trainBpe } from './bpe';
import { splitChunks } from './pretokenize';
import { TRICKY_STRINGS, randomString, streamAll, trickyCorpus } from './testing';
import { encodeWtf8 } from './wtf8';

describe('pre-split', () => {
  it('cuts GPT-2 style and the chunks always join back to the text', () => {
    expect(splitChunks("Hello, world! It's 2024.\n\n  ok")).toEqual(['Hello', ',', ' world', '!', ' It', "'s", ' 2024', '.', '\n\n', ' ', ' ok']);
    expect(splitChunks('cafe\u0301 \uD800x')).toEqual(['cafe\u0301', ' \uD800', 'x']);
    expect(splitChunks('a\r\nb \r\n  c\n')).toEqual(['a', '\r\n', 'b', ' \r\n', ' ', ' c', '\n']);
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let t = 0; t < 100; t++) {
      const s = randomString(rng, rng.int(100));
      expect(splitChunks(s).join(''), `seed ${seed}`).toBe(s);
    }
  });
});

describe('BpeTokenizer', () => {
  // Trained on a corpus holding every tricky string, so merges span multi-byte characters.
  const trained = trainBpe(trickyCorpus().repeat(4) + randomString(new Rng(7), 4000), 600);
  const bytesOnly = new BpeTokenizer([]);

  it.each(Object.entries(TRICKY_STRINGS))('round-trips %s', (_name, s) => {
    for (const tok of [trained, bytesOnly]) {
      const ids = tok.encode(s);
      expect(tok.decode(ids)).toBe(s);
      expect(streamAll(tok.streamDecoder(), ids)).toBe(s);
    }
  });

  it('round-trips random strings (astral, lone surrogates, NUL, CRLF) and is deterministic', { timeout: 60_000 }, () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let t = 0; t < 300; t++) {
      const s = randomString(rng, rng.int(120));
      const ids = trained.encode(s);
      expect(trained.decode(ids), `seed ${seed}`).toBe(s);
      expect(Array.from(trained.encode(s)), `seed ${seed}: encode is cached, must not change`).toEqual(Array.from(ids));
      expect(streamAll(trained.streamDecoder(), ids), `seed ${seed}`).toBe(s);
    }
  });

  it('base tokens are the WTF-8 bytes', () => {
    expect(Array.from(bytesOnly.encode('a😀\uD800'))).toEqual(Array.from(encodeWtf8('a😀\uD800')));
    expect(bytesOnly.vocabSize).toBe(256);
  });

  it('compresses: fewer tokens than bytes on text like the corpus', () => {
    const text = trickyCorpus();
    expect(trained.encode(text).length).toBeLessThan(encodeWtf8(text).length / 2);
  });

  it('streams an emoji split across tokens: nothing until it is complete', () => {
    // Emoji share their first bytes F0 9F, so training merges those into a token of their own.
    const tok = trainBpe('😀😃😄😁😆 '.repeat(20) + '🙂 ', 259);
    const ids = tok.encode('🙂');
    expect(ids.length).toBeGreaterThan(1);
    expect(tok.tokenLabel(ids[0])).toMatch(/^<0xF0>/);
    const decoder = tok.streamDecoder();
    const pieces = Array.from(ids, (id) => decoder.push(id));
    expect(pieces.slice(0, -1).every((p) => p === '')).toBe(true);
    expect(pieces[pieces.length - 1]).toBe('🙂');
    expect(decoder.flush()).toBe('');
  });

  it('decodes arbitrary token sequences without throwing (invalid bytes become U+FFFD)', () => {
    const rng = new Rng(testSeed());
    for (let t = 0; t < 100; t++) {
      const ids = Array.from({ length: rng.int(20) }, () => rng.int(trained.vocabSize));
      const text = trained.decode(ids);
      expect(streamAll(trained.streamDecoder(), ids)).toBe(text);
    }
    expect(bytesOnly.decode([0xe2, 0x28])).toBe('\uFFFD(');
    expect(streamAll(bytesOnly.streamDecoder(), [0xf0, 0x9f])).toBe('\uFFFD');
  });

  it('rejects out-of-range ids', () => {
    expect(() => trained.decode([trained.vocabSize])).toThrow(RangeError);
    expect(() => trained.decode([-1])).toThrow(RangeError);
    expect(() => trained.tokenLabel(1.5)).toThrow(RangeError);
    expect(() => trained.streamDecoder().push(1e9)).toThrow(RangeError);
  });

  it('labels tokens readably', () => {
    expect(bytesOnly.tokenLabel(0x20)).toBe('␣');
    expect(bytesOnly.tokenLabel(0x0a)).toBe('↵');
    expect(bytesOnly.tokenLabel(0x00)).toBe('\\x00');
    expect(bytesOnly.tokenLabel(0x41)).toBe('A');
    expect(bytesOnly.tokenLabel(0xe2)).toBe('<0xE2>');
    const tok = trainBpe(' the the the\r\n\r\n€€ €€', 300);
    const labels = Array.from({ length: tok.vocabSize - 256 }, (_, i) => tok.tokenLabel(256 + i));
    expect(labels).toContain('␣the');
    expect(labels).toContain('\\r↵');
    expect(labels).toContain('€');
    // A merge that ends inside a character shows the stray bytes.
    const partial = new BpeTokenizer([[0x20, 0xe2]]);
    expect(partial.tokenLabel(256)).toBe('␣<0xE2>');
    expect(new BpeTokenizer([[0xed, 0xa0], [256, 0x80]]).tokenLabel(257)).toBe('\\uD800');
  });

  it('encodes long chunks (big runs of one letter, of spaces, of newlines) quickly and exactly', () => {
    const tok = trainBpe('aaaaaaaa '.repeat(50) + ' '.repeat(64) + '\n'.repeat(64), 280);
    for (const s of ['a'.repeat(200_000), ' '.repeat(200_000) + 'x', '\n'.repeat(200_000) + ' '.repeat(100_000)]) {
      const ids = tok.encode(s);
      expect(tok.decode(ids)).toBe(s);
      expect(ids.length).toBeLessThan(s.length / 4);
    }
  });
});
