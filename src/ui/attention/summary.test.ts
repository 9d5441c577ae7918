import { describe, expect, it } from 'vitest';
import type { AttentionReport } from '../../core/protocol';
import { argmax, describeHead, formatWeight, headMap, isWellFormed, readout, rowWeights, stripSummary } from './summary';

/** A T×T map where each query puts `w` on key f(q) and spreads the rest over its past. */
function habitMap(T: number, f: (q: number) => number, w = 0.9): Float32Array {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) {
    const rest = q === 0 ? 0 : (1 - w) / q;
    for (let k = 0; k <= q; k++) m[q * T + k] = rest;
    m[q * T + f(q)] = q === 0 ? 1 : w;
  }
  return m;
}

describe('readout', () => {
  it('names query and key by their labels with the weight', () => {
    expect(readout(['h', 'e', 'l'], 1, 0, 0.4213)).toBe('query ‘e’ → key ‘h’: 0.42');
  });

  it('formats tiny, zero and broken weights distinctly', () => {
    expect(formatWeight(0)).toBe('0.00');
    expect(formatWeight(0.001)).toBe('<0.01');
    expect(formatWeight(1)).toBe('1.00');
    expect(formatWeight(NaN)).toBe('not a number');
  });
});

describe('slicing the report', () => {
  const T = 3;
  const probs = [new Float32Array(2 * T * T).map((_, i) => i), new Float32Array(2 * T * T).map((_, i) => 100 + i)];
  const a: AttentionReport = { tokens: ['a', 'b', 'c'], nLayer: 2, nHead: 2, probs };

  it('takes one head and one query row', () => {
    expect(Array.from(headMap(a, 1, 1))).toEqual([109, 110, 111, 112, 113, 114, 115, 116, 117]);
    expect(Array.from(rowWeights(a, 0, 1, 2))).toEqual([15, 16, 17]);
  });

  it('checks the shape', () => {
    expect(isWellFormed(a)).toBe(true);
    expect(isWellFormed({ ...a, nHead: 3 })).toBe(false);
    expect(isWellFormed({ ...a, tokens: [] })).toBe(false);
    expect(isWellFormed({ ...a, probs: probs.slice(1) })).toBe(false);
  });
});

describe('describeHead', () => {
  it('recognises the previous-token, self and first-token habits', () => {
    expect(describeHead(habitMap(6, (q) => Math.max(0, q - 1)), 6)).toMatch(/^mostly looks at the previous token/);
    expect(describeHead(habitMap(6, (q) => q), 6)).toMatch(/^mostly looks at itself/);
    expect(describeHead(habitMap(6, () => 0), 6)).toMatch(/^mostly looks at the first token/);
  });

  it('calls a uniform causal map even', () => {
    const T = 6;
    const m = new Float32Array(T * T);
    for (let q = 0; q < T; q++) for (let k = 0; k <= q; k++) m[q * T + k] = 1 / (q + 1);
    expect(describeHead(m, T)).toBe('spreads its attention evenly');
  });

  it('judges an unmasked head against all T keys', () => {
    const T = 5;
    expect(describeHead(new Float32Array(T * T).fill(1 / T), T, false)).toBe('spreads its attention evenly');
    const spiky = new Float32Array(T * T);
    for (let q = 0; q < T; q++) spiky[q * T + ((q + 2) % T)] = 1; // each looks at one other token
    expect(describeHead(spiky, T, false)).toBe('looks at a few chosen tokens per position');
  });

  it('handles one token and NaN', () => {
    expect(describeHead(new Float32Array([1]), 1)).toMatch(/only look at itself/);
    expect(describeHead(new Float32Array([1, 0, NaN, 0.5]), 2)).toMatch(/not numbers/);
  });
});

describe('token strip summary', () => {
  it('finds the largest weight, first on ties, skipping NaN', () => {
    expect(argmax([0.1, 0.5, 0.5])).toBe(1);
    expect(argmax([NaN, 0.2])).toBe(1);
    expect(argmax([])).toBe(-1);
    expect(argmax([NaN])).toBe(-1);
  });

  it('says which token the query attends to most, 1-based', () => {
    expect(stripSummary(['h', 'e', 'l'], 2, [0.1, 0.7, 0.2], 0, 1)).toBe('‘l’ (position 3) attends most to ‘e’ at position 2 (0.70) in layer 1, head 2.');
  });
});
