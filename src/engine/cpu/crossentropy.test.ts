// The float32 softmax cross-entropy against its float64 reference (../ref/crossentropy.ts).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import * as ref from '../ref/crossentropy';
import { expectClose } from '../testing/compare';
import { f32, randint, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { crossentropyBackward, crossentropyForward } from './crossentropy';

// log Σ exp and each gradient in float64 from the same float32 logits, rounded once when
// stored; a loss is lse − logit, whose terms (|lse| ≲ 15 here) bound its rounding.
const TOL = { atol: 1e-12, rtol: 2 ** -23 };

describe('CPU cross-entropy', () => {
  for (const [rows, V] of [[7, 11], [3, 65]]) {
    it(`rows ${rows} V ${V}: losses, and the gradient written over the logits`, () => {
      const seed = testSeed();
      const rng = new Rng(seed);
      const logits = f32(randn(rng, rows * V, 3));
      const targets = randint(rng, rows, V);
      const losses = new Float32Array(rows).fill(NaN);
      const lse = new Float64Array(rows);
      crossentropyForward(losses, lse, Float32Array.from(logits), targets, rows, V);
      const e = new Float64Array(rows);
      ref.crossentropyForward(e, logits, targets, rows, V);
      expectClose('losses', losses, e, { atol: 2 ** -23 * 16, rtol: 2 ** -23 }, seed);
      const scale = 1 / rows;
      const d = Float32Array.from(logits);
      crossentropyBackward(d, d, lse, targets, scale, rows, V);
      const ed = new Float64Array(rows * V);
      ref.crossentropyBackward(ed, logits, targets, scale, rows, V);
      expectClose('dlogits', d, ed, TOL, seed);
    });
  }

  it('a target outside the vocabulary gives a NaN loss', () => {
    const losses = new Float32Array(2);
    crossentropyForward(losses, new Float64Array(2), new Float32Array(6), Uint32Array.from([1, 3]), 2, 3);
    expect(losses[0]).toBeCloseTo(Math.log(3), 6);
    expect(losses[1]).toBeNaN();
  });
});
