import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn, randu } from '../testing/random';
import { compare, type Tolerance } from '../testing/compare';
import { dot, numericalGrad } from './gradcheck';
import { geluBackward, geluForward, reluBackward, reluForward } from './activation';

// Central differences with step 1e-6 in float64: truncation ~1e-12·f''', rounding ~1e-10.
const FD_TOL: Tolerance = { atol: 1e-6, rtol: 1e-6 };

function checkBackward(
  seed: number,
  x: Float64Array,
  forward: (out: Float64Array, inp: ArrayLike<number>, n: number) => void,
  backward: (dinp: Float64Array, inp: ArrayLike<number>, dout: ArrayLike<number>, n: number) => void,
): void {
  const n = x.length;
  const dout = randn(new Rng(seed + 1), n);
  const out = new Float64Array(n);
  const loss = () => (forward(out, x, n), dot(out, dout));
  const dinp = new Float64Array(n).fill(NaN); // overwritten, so its old value must not matter
  backward(dinp, x, dout, n);
  expect(compare(dinp, numericalGrad(loss, x), FD_TOL).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
}

describe('reference gelu', () => {
  it('backward matches finite differences, saturated values included', () => {
    const seed = testSeed();
    const x = Float64Array.from([...randn(new Rng(seed), 40, 2), ...randu(new Rng(seed + 2), 20, -30, 30), -30, 30, 0]);
    checkBackward(seed, x, geluForward, geluBackward);
  });

  it('matches known values of the tanh form', () => {
    const out = new Float64Array(6);
    geluForward(out, [0, 1, -1, 2, 30, -30], 6);
    const expected = [0, 0.8411919906082768, -0.15880800939172324, 1.954597694087775, 30, 0];
    expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 12));
    const d = new Float64Array(3);
    geluBackward(d, [0, 30, -30], [1, 1, 1], 3);
    expect(Array.from(d)).toEqual([0.5, 1, 0]);
  });
});

describe('reference relu', () => {
  it('backward matches finite differences away from 0', () => {
    const seed = testSeed();
    // |x| ≥ 0.01, far beyond the step 1e-6, so no difference straddles the kink
    const x = randu(new Rng(seed), 50, 0.01, 3).map((v, i) => (i % 2 ? v : -v));
    checkBackward(seed, x, reluForward, reluBackward);
  });

  it('has derivative 0 at x ≤ 0, including 0 itself', () => {
    const d = new Float64Array(4);
    reluBackward(d, [-1, 0, 1e-30, 2], [5, 5, 5, 5], 4);
    expect(Array.from(d)).toEqual([0, 0, 5, 5]);
  });
});
