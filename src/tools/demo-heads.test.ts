import { describe, expect, it } from 'vitest';
import { bestHead, findTaskHead, HEAD_PATTERNS, lookAtLine, patternTargets, type HeadTask } from './demo-heads';

const chars = (s: string) => [...s];
const targets = (task: HeadTask, pattern: Parameters<typeof patternTargets>[1], s: string) => Object.fromEntries(patternTargets(task, pattern, chars(s)));

describe('patternTargets', () => {
  it('count: from the space before the stars on, the digits of the number', () => {
    expect(targets('count', 'number', '12: **\n3: *')).toEqual({ 3: [0, 1], 4: [0, 1], 5: [0, 1], 9: [7], 10: [7] });
  });

  it('copy: from the bar on, the letter to write next; after the bar, the bar', () => {
    // "abc|ab": at the bar the next letter is a (0), then b (1), then c (2).
    expect(targets('copy', 'letter', 'abc|ab')).toEqual({ 3: [0], 4: [1], 5: [2] });
    expect(targets('copy', 'mark', 'abc|ab\nx')).toEqual({ 4: [3], 5: [3] });
  });

  it('reverse: from the arrow on, the letters backwards', () => {
    expect(targets('reverse', 'letter', 'xy\nabc>cb')).toEqual({ 6: [5], 7: [4], 8: [3] });
    expect(targets('reverse', 'mark', 'xy\nabc>cb')).toEqual({ 7: [6], 8: [6] });
  });

  it('brackets: the innermost bracket still open', () => {
    // After {, [ and ( the innermost open one is each itself; after ) it is [ again.
    expect(targets('brackets', 'open', '{[()')).toEqual({ 0: [0], 1: [1], 2: [2], 3: [1] });
    expect(targets('brackets', 'open', '()\n<')).toEqual({ 0: [0], 3: [3] });
  });

  it('prose: the character before', () => {
    expect(targets('prose', 'previous', 'The')).toEqual({ 1: [0], 2: [1] });
  });
});

/** One layer of attention (NH = 2, T = 3): head 0 uniform over the past, head 1 on the position before. */
function layerOf(T: number): Float32Array {
  const p = new Float32Array(2 * T * T);
  for (let q = 0; q < T; q++) {
    for (let k = 0; k <= q; k++) p[q * T + k] = 1 / (q + 1);
    p[(T + q) * T + Math.max(0, q - 1)] = 1;
  }
  return p;
}

describe('bestHead and findTaskHead', () => {
  it('find the head whose attention lands on the targets, and its share', () => {
    const self = new Float32Array(2 * 3 * 3);
    for (let h = 0; h < 2; h++) for (let q = 0; q < 3; q++) self[(h * 3 + q) * 3 + q] = 1;
    expect(bestHead([layerOf(3), self], 2, 3, patternTargets('prose', 'previous', chars('abc')))).toEqual({ layer: 0, head: 1, share: 1 });
    expect(bestHead([layerOf(3)], 2, 3, new Map())).toBeNull();
    expect(findTaskHead('prose', [layerOf(3)], 2, chars('abc'))).toEqual({ pattern: HEAD_PATTERNS.prose[0], found: { layer: 0, head: 1, share: 1 } });
  });

  it('fall back to the next pattern when the first is not clear, and to none', () => {
    // "ab|c": no head looks at the letter to copy (position 0 from 2, 1 from 3) but head 1 of
    // a layer that looks at the position before looks at the bar (2) from 3.
    const T = 4;
    const p = new Float32Array(2 * T * T);
    for (let q = 0; q < T; q++) p[(T + q) * T + Math.max(0, q - 1)] = 1;
    const clear = findTaskHead('copy', [p], 2, chars('ab|c'));
    expect(clear?.pattern.id).toBe('mark');
    expect(clear?.found).toMatchObject({ layer: 0, head: 1, share: 1 });
    expect(findTaskHead('count', [p], 2, chars('ab|c'))).toBeNull();
  });
});

describe('lookAtLine', () => {
  it('names the head (1-based) with its share, or falls back when none is clear', () => {
    const count = HEAD_PATTERNS.count[0];
    expect(lookAtLine({ pattern: count, found: { layer: 0, head: 1, share: 0.523 } }, 'fallback')).toBe(
      'Layer 1, head 2 looks back at the number while the stars are written (52% of its attention).',
    );
    expect(lookAtLine({ pattern: HEAD_PATTERNS.prose[0], found: { layer: 1, head: 0, share: 0.8 } }, 'fallback', 'Word-like.')).toBe(
      'Word-like. Layer 2, head 1 looks at the letter just before (80% of its attention).',
    );
    expect(lookAtLine(null, 'fallback')).toBe('fallback');
  });
});
