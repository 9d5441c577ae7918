import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { applyMergesDirect, applyMergesHeap, pairKey } from './bpe-apply';
import { learnMerges } from './bpe-train';
import { trainBpe } from './bpe';
import { splitChunks } from './pretokenize';
import { randomString, trickyCorpus } from './testing';
import { encodeWtf8 } from './wtf8';

/**
 * Training as minbpe writes it, kept obviously correct: recount every pair of every chunk
 * before each merge. The incremental trainer must learn exactly the same merges.
 */
function naiveMerges(text: string, vocabSize: number): [number, number][] {
  let words = splitChunks(text).map((c) => Array.from(encodeWtf8(c)));
  const merges: [number, number][] = [];
  while (256 + merges.length < vocabSize) {
    const counts = new Map<number, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) counts.set(pairKey(w[i], w[i + 1]), (counts.get(pairKey(w[i], w[i + 1])) ?? 0) + 1);
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, c] of counts) if (c > bestCount || (c === bestCount && key < bestKey)) [bestKey, bestCount] = [key, c];
    if (bestCount < 2) break;
    const a = Math.floor(bestKey / 65536);
    const b = bestKey % 65536;
    const id = 256 + merges.length;
    merges.push([a, b]);
    words = words.map((w) => {
      const out: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(w[i]);
      }
      return out;
    });
  }
  return merges;
}

const ch = (s: string) => s.charCodeAt(0);

describe('BPE training', () => {
  it("learns the textbook merges of 'aaabdaaabac' and stops when no pair repeats", () => {
    const tok = trainBpe('aaabdaaabac', 300);
    // (a,a) occurs 4 times. Then (a,b) and (aa,a) tie at 2: the lower ids win, so (a,b).
    // Then (aa,ab) twice; after that every pair occurs once and training stops at 259.
    expect(tok.merges).toEqual([
      [ch('a'), ch('a')],
      [ch('a'), ch('b')],
      [256, 257],
    ]);
    expect(tok.vocabSize).toBe(259);
    expect(Array.from(tok.encode('aaabdaaabac'))).toEqual([258, ch('d'), 258, ch('a'), ch('c')]);
  });

  it('never merges across chunks', () => {
    // 'a.' repeats 10 times but 'a' and '.' are in different chunks; ' a' is one chunk.
    const tok = trainBpe('a.'.repeat(10), 300);
    expect(tok.merges.map(([a, b]) => String.fromCharCode(a) + String.fromCharCode(b))).not.toContain('a.');
    const words = trainBpe(' the the the', 300);
    expect(words.tokenLabel(words.vocabSize - 1)).toBe('␣the');
  });

  it('matches the naive minbpe-style trainer on tricky and random texts', { timeout: 60_000 }, () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const texts = [trickyCorpus().repeat(3), 'aaaa aaaa aaaaaaa bbbb abab abababab '.repeat(4)];
    for (let t = 0; t < 12; t++) texts.push(randomString(rng, 50 + rng.int(400)));
    for (const text of texts) {
      const vocab = 256 + rng.int(200);
      expect(learnMerges(text, vocab), `seed ${seed}, vocab ${vocab}`).toEqual(naiveMerges(text, vocab));
    }
  });

  it('respects vocabSize exactly when the corpus has enough repeats', () => {
    const seed = testSeed();
    const text = randomString(new Rng(seed), 5000);
    for (const vocab of [256, 257, 300, 400]) {
      const tok = trainBpe(text, vocab);
      expect(tok.vocabSize, `seed ${seed}`).toBe(vocab);
      expect(Math.max(...tok.encode(text)), `seed ${seed}`).toBeLessThan(vocab);
    }
  });

  it('rejects a vocabulary size below 256, above 65536 or fractional', () => {
    expect(() => trainBpe('abc', 255)).toThrow(RangeError);
    expect(() => trainBpe('abc', 255)).toThrow(/from 256/);
    expect(() => trainBpe('abc', 65537)).toThrow(RangeError);
    expect(() => trainBpe('abc', 300.5)).toThrow(RangeError);
    expect(() => trainBpe('abc', Number.NaN)).toThrow(RangeError);
  });

  it('stops early on a corpus with too few repeats (including an empty one)', () => {
    expect(trainBpe('', 1000).vocabSize).toBe(256);
    expect(trainBpe('abcdefg', 1000).vocabSize).toBe(256);
    const messages: string[] = [];
    trainBpe('abab', 1000, { onProgress: (_f, m) => messages.push(m) });
    expect(messages[messages.length - 1]).toMatch(/Stopped at 257 tokens/);
  });

  it('reports progress from 0 to 1, in order', () => {
    const fractions: number[] = [];
    trainBpe(randomString(new Rng(1), 3000), 400, { onProgress: (f) => fractions.push(f) });
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  });

  it('encodes long chunks (heap) exactly as short ones (direct loop)', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const tok = trainBpe('aaaa bbbb abab ' + randomString(rng, 3000), 500);
    const ranks = new Map(tok.merges.map(([a, b], r) => [pairKey(a, b), r]));
    for (let t = 0; t < 200; t++) {
      const chunk = rng.int(2) ? 'a'.repeat(rng.int(200)) : randomString(rng, rng.int(120)).replace(/\s/g, '');
      const bytes = Int32Array.from(encodeWtf8(chunk));
      const direct = applyMergesDirect(bytes.slice(), ranks);
      expect(Array.from(applyMergesHeap(bytes.slice(), ranks)), `seed ${seed}`).toEqual(Array.from(direct));
    }
  });
});
