import { describe, expect, it } from 'vitest';
import { bestHead, lookAtLine, taskTargets } from './demo-heads';

const chars = (s: string) => [...s];
const targets = (task: Parameters<typeof taskTargets>[0], s: string) => Object.fromEntries(taskTargets(task, chars(s)));

describe('taskTargets', () => {
  it('count: from the space before the stars on, the digits of the number', () => {
    expect(targets('count', '12: **\n3: *')).toEqual({ 3: [0, 1], 4: [0, 1], 5: [0, 1], 9: [7], 10: [7] });
  });

  it('copy: from the bar on, the letter to write next', () => {
    // "abc|ab": at the bar the next letter is a (0), then b (1), then c (2).
    expect(targets('copy', 'abc|ab')).toEqual({ 3: [0], 4: [1], 5: [2] });
  });

  it('reverse: from the arrow on, the letters backwards', () => {
    expect(targets('reverse', 'xy\nabc>cb')).toEqual({ 6: [5], 7: [4], 8: [3] });
  });

  it('brackets: the innermost bracket still open', () => {
    // "{[()" : after {, [ , ( the innermost open is each itself; after ) it is [ again.
    expect(targets('brackets', '{[()')).toEqual({ 0: [0], 1: [1], 2: [2], 3: [1] });
    expect(targets('brackets', '()\n<')).toEqual({ 0: [0], 3: [3] });
  });

  it('prose: the character before', () => {
    expect(targets('prose', 'The')).toEqual({ 1: [0], 2: [1] });
  });
});

describe('bestHead', () => {
  it('finds the head whose attention lands on the targets, and its share', () => {
    const T = 3;
    const nHead = 2;
    // Layer 0: head 0 attends uniformly, head 1 to the previous position; layer 1: to itself.
    const layer0 = new Float32Array(nHead * T * T);
    const layer1 = new Float32Array(nHead * T * T);
    for (let q = 0; q < T; q++) {
      for (let k = 0; k <= q; k++) layer0[q * T + k] = 1 / (q + 1);
      layer0[(T + q) * T + Math.max(0, q - 1)] = 1;
      for (let h = 0; h < nHead; h++) layer1[(h * T + q) * T + q] = 1;
    }
    const found = bestHead([layer0, layer1], nHead, T, taskTargets('prose', chars('abc')));
    expect(found).toEqual({ layer: 0, head: 1, share: 1 });
    expect(bestHead([layer0], nHead, T, new Map())).toBeNull();
  });
});

describe('lookAtLine', () => {
  it('names the head (1-based) with its share, or falls back when none is clear', () => {
    expect(lookAtLine('count', { layer: 0, head: 1, share: 0.523 }, 'fallback')).toBe(
      'Layer 1, head 2 looks back at the number while the stars are written (52% of its attention).',
    );
    expect(lookAtLine('prose', { layer: 1, head: 0, share: 0.8 }, 'fallback', 'Word-like.')).toBe('Word-like. Layer 2, head 1 looks at the letter just before (80% of its attention).');
    expect(lookAtLine('copy', { layer: 1, head: 0, share: 0.1 }, 'fallback')).toBe('fallback');
    expect(lookAtLine('copy', null, 'fallback')).toBe('fallback');
  });
});
