import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randint, randn } from '../testing/random';
import { compare } from '../testing/compare';
import { numericalGrad } from './gradcheck';
import { crossentropyBackward, crossentropyForward, crossentropyMean } from './crossentropy';

describe('reference cross-entropy', () => {
  it('backward matches finite differences of the mean loss', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [rows, V] = [6, 9];
    const logits = randn(rng, rows * V, 3);
    const targets = randint(rng, rows, V);
    const losses = new Float64Array(rows);
    const mean = new Float64Array(1);
    const loss = () => {
      crossentropyForward(losses, logits, targets, rows, V);
      crossentropyMean(mean, losses, rows);
      return mean[0];
    };
    // Poisoned start: the backward overwrites.
    const dlogits = new Float64Array(rows * V).fill(NaN);
    crossentropyBackward(dlogits, logits, targets, 1 / rows, rows, V);
    const c = compare(dlogits, numericalGrad(loss, logits), { atol: 1e-8, rtol: 1e-6 });
    expect(c.maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
  });

  it('forward equals log Σ exp − target logit, and is stable for huge logits', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [rows, V] = [4, 13];
    const logits = randn(rng, rows * V, 2);
    const targets = randint(rng, rows, V);
    const losses = new Float64Array(rows);
    crossentropyForward(losses, logits, targets, rows, V);
    const naive = new Float64Array(rows);
    for (let p = 0; p < rows; p++) {
      let s = 0;
      for (let v = 0; v < V; v++) s += Math.exp(logits[p * V + v]);
      naive[p] = Math.log(s) - logits[p * V + targets[p]];
    }
    expect(compare(losses, naive, { atol: 1e-12, rtol: 1e-12 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
    // Shifting a row leaves its loss unchanged; without the max subtraction exp(±1000) is inf / 0.
    const shifted = logits.map((x, i) => x + (Math.floor(i / V) % 2 ? 1000 : -1000));
    const shiftedLosses = new Float64Array(rows);
    crossentropyForward(shiftedLosses, shifted, targets, rows, V);
    expect(compare(shiftedLosses, losses, { atol: 1e-9, rtol: 1e-9 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
  });

  it('a target outside the vocabulary gives NaN', () => {
    const losses = new Float64Array(2);
    crossentropyForward(losses, [0, 1, 2, 3], [1, 2], 2, 2);
    expect(losses[0]).toBeCloseTo(Math.log(1 + Math.E) - 1, 12);
    expect(losses[1]).toBeNaN();
  });

  it('mean', () => {
    const out = new Float64Array(1);
    crossentropyMean(out, [1, 2, 3, 6], 4);
    expect(out[0]).toBe(3);
  });
});
