import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randint } from '../testing/random';
import { buildTokenBuckets } from './buckets';

describe('buildTokenBuckets', () => {
  it('groups every position under its token, in increasing order', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const V = 23;
    // Few distinct ids, so that buckets repeat and some ids are absent.
    const tokens = randint(rng, 97, 9).map((x) => x * 2 + 1);
    const { offsets, positions } = buildTokenBuckets(tokens, V);
    expect(offsets.length, `seed ${seed}`).toBe(V + 1);
    expect(offsets[0]).toBe(0);
    expect(offsets[V]).toBe(tokens.length);
    for (let v = 0; v < V; v++) {
      const bucket = Array.from(positions.subarray(offsets[v], offsets[v + 1]));
      const expected = [];
      for (let p = 0; p < tokens.length; p++) if (tokens[p] === v) expected.push(p);
      expect(bucket, `bucket ${v}, seed ${seed}`).toEqual(expected);
    }
  });

  it('handles a small hand-made batch', () => {
    const { offsets, positions } = buildTokenBuckets(Uint32Array.from([2, 0, 2, 3, 0, 2]), 5);
    expect(Array.from(offsets)).toEqual([0, 2, 2, 5, 6, 6]);
    expect(Array.from(positions)).toEqual([1, 4, 0, 2, 5, 3]);
  });

  it('accepts an empty batch', () => {
    const { offsets, positions } = buildTokenBuckets(new Uint32Array(0), 3);
    expect(Array.from(offsets)).toEqual([0, 0, 0, 0]);
    expect(positions.length).toBe(0);
  });

  it('rejects tokens outside the vocabulary and a bad vocabulary size', () => {
    expect(() => buildTokenBuckets(Uint32Array.from([0, 4, 1]), 4)).toThrow(/token 4 at position 1/);
    expect(() => buildTokenBuckets(Uint32Array.from([0]), 0)).toThrow(/vocabSize/);
    expect(() => buildTokenBuckets(Uint32Array.from([0]), 2.5)).toThrow(/vocabSize/);
  });
});
