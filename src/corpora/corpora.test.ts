import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { DEFAULT_CORPUS_ID, SAMPLE_CORPORA, findCorpus } from './index';
import { PROSE_TEXT } from './prose';
import { BRACKETS, bracketLine, copyLine, countLine, generateLines, isBalanced, reverseLine } from './synthetic';

const lines = (id: string): string[] => {
  const text = findCorpus(id)!.text();
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
};

describe('sample corpora', () => {
  it('have unique ids and the default is one of them', () => {
    const ids = SAMPLE_CORPORA.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(DEFAULT_CORPUS_ID);
    expect(ids).toEqual(expect.arrayContaining(['copy', 'count', 'reverse', 'brackets', 'fables']));
  });

  it('are deterministic', () => {
    for (const c of SAMPLE_CORPORA) expect(c.text()).toBe(c.text());
    // Regenerating from the seed (not the cache) gives the same text.
    expect(generateLines(101, 64 * 1024, (rng) => copyLine(rng))).toBe(findCorpus('copy')!.text());
  });

  it('have sizes in range: synthetic 20-200 KB, prose 8-20 KB', () => {
    for (const c of SAMPLE_CORPORA) {
      const n = c.text().length;
      const [lo, hi] = c.id === 'fables' ? [8_000, 20_000] : [20_000, 200_000];
      expect(n, c.id).toBeGreaterThanOrEqual(lo);
      expect(n, c.id).toBeLessThanOrEqual(hi);
    }
  });

  it('have a description, a block size, and a prompt written in the corpus alphabet', () => {
    for (const c of SAMPLE_CORPORA) {
      expect(c.description.length, c.id).toBeGreaterThan(40);
      expect(Number.isInteger(c.blockSize) && c.blockSize >= 8, c.id).toBe(true);
      // A character tokenizer cannot encode a prompt character the text lacks.
      const alphabet = new Set(c.text());
      for (const ch of c.prompt) expect(alphabet.has(ch), `${c.id}: '${ch}'`).toBe(true);
      // Longer than a block of text, so the 10% validation split holds a full window.
      expect(c.text().length * 0.1, c.id).toBeGreaterThan(4 * c.blockSize);
    }
  });
});

describe('synthetic tasks are correct', () => {
  it('copy lines repeat the part before the bar', () => {
    for (const line of lines('copy')) {
      const m = /^([a-z]+)\|([a-z]+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![2]).toBe(m![1]);
    }
  });

  it('reverse lines reverse the part before the arrow', () => {
    for (const line of lines('reverse')) {
      const m = /^([a-z]+)>([a-z]+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![2]).toBe([...m![1]].reverse().join(''));
    }
  });

  it('count lines have as many stars as the number says', () => {
    const seen = new Set<number>();
    for (const line of lines('count')) {
      const m = /^(\d+): (\*+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![2].length).toBe(Number(m![1]));
      seen.add(Number(m![1]));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('bracket lines are balanced, even and within their lengths', () => {
    const kinds = new Set<string>();
    for (const line of lines('brackets')) {
      expect(isBalanced(line), line).toBe(true);
      expect(line.length % 2).toBe(0);
      expect(line.length).toBeGreaterThanOrEqual(4);
      expect(line.length).toBeLessThanOrEqual(24);
      for (const ch of line) kinds.add(ch);
    }
    expect(kinds.size).toBe(8);
  });

  it('bracketLine respects its depth limit', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 500; i++) {
      const s = bracketLine(rng, 2, 40, 3);
      let depth = 0;
      for (const ch of s) {
        depth += ch in BRACKETS ? 1 : -1;
        expect(depth).toBeLessThanOrEqual(3);
      }
      expect(isBalanced(s)).toBe(true);
    }
  });

  it('isBalanced rejects wrong partners, wrong order and unclosed brackets', () => {
    expect(isBalanced('([]{<>})')).toBe(true);
    expect(isBalanced('(]')).toBe(false);
    expect(isBalanced('([)]')).toBe(false);
    expect(isBalanced('((')).toBe(false);
    expect(isBalanced('())')).toBe(false);
  });

  it('line generators stay within their parameters', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const [a] = copyLine(rng, 2, 4).split('|');
      expect(a.length).toBeGreaterThanOrEqual(2);
      expect(a.length).toBeLessThanOrEqual(4);
      const n = Number(countLine(rng, 5).split(':')[0]);
      expect(n >= 1 && n <= 5).toBe(true);
      expect(reverseLine(rng, 3, 3)).toMatch(/^[a-z]{3}>[a-z]{3}$/);
    }
  });
});

describe('prose', () => {
  it('is plain ASCII with paragraphs and a small alphabet', () => {
    expect(PROSE_TEXT).toMatch(/^[\x20-\x7e\n]+$/);
    expect(PROSE_TEXT.split('\n\n').length).toBeGreaterThan(20);
    expect(new Set(PROSE_TEXT).size).toBeLessThan(70);
  });
});
