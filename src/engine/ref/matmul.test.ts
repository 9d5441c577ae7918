import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn } from '../testing/random';
import { compare } from '../testing/compare';
import { dot, numericalGrad } from './gradcheck';
import { matmulBackward, matmulForward } from './matmul';

// Central differences of a bilinear function are exact up to rounding (≈ eps²·f''' = 0), so
// the only error is cancellation: ~1e-16·|loss| / eps ≈ 1e-9 here.
const FD_TOL = { atol: 1e-6, rtol: 1e-6 };

function setup(seed: number, BT: number, C: number, OC: number) {
  const rng = new Rng(seed);
  return {
    inp: randn(rng, BT * C),
    weight: randn(rng, OC * C),
    bias: randn(rng, OC),
    dout: randn(rng, BT * OC),
    rng,
  };
}

describe('reference matmul', () => {
  it('forward matches a hand-computed example', () => {
    // inp (2, 3), weight (2, 3): out[r][o] = Σ_c inp[r][c]·weight[o][c] + bias[o]
    const out = new Float64Array(4);
    matmulForward(out, [1, 2, 3, 4, 5, 6], [1, 0, -1, 2, 1, 0], [10, 20], 2, 3, 2);
    expect(Array.from(out)).toEqual([1 - 3 + 10, 2 + 2 + 20, 4 - 6 + 10, 8 + 5 + 20]);
  });

  for (const withBias of [true, false]) {
    it(`backward matches finite differences (${withBias ? 'with' : 'without'} bias)`, () => {
      const seed = testSeed();
      const [BT, C, OC] = [5, 7, 6];
      const { inp, weight, bias, dout } = setup(seed, BT, C, OC);
      const out = new Float64Array(BT * OC);
      const loss = () => (matmulForward(out, inp, weight, withBias ? bias : null, BT, C, OC), dot(out, dout));
      const dinp = new Float64Array(BT * C).fill(NaN); // overwritten, so its contents must not matter
      const dweight = new Float64Array(OC * C);
      const dbias = new Float64Array(OC);
      matmulBackward(dinp, dweight, withBias ? dbias : null, dout, inp, weight, BT, C, OC);
      const msg = `seed ${seed}`;
      expect(compare(dinp, numericalGrad(loss, inp), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
      expect(compare(dweight, numericalGrad(loss, weight), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
      if (withBias) expect(compare(dbias, numericalGrad(loss, bias), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
    });
  }

  it('accumulates dweight and dbias, and dinp only when asked', () => {
    const seed = testSeed();
    const [BT, C, OC] = [4, 3, 5];
    const { inp, weight, dout, rng } = setup(seed, BT, C, OC);
    const dinp0 = randn(rng, BT * C);
    const dw0 = randn(rng, OC * C);
    const db0 = randn(rng, OC);
    const fresh = () => ({ dinp: new Float64Array(BT * C), dw: new Float64Array(OC * C), db: new Float64Array(OC) });
    const zero = fresh();
    matmulBackward(zero.dinp, zero.dw, zero.db, dout, inp, weight, BT, C, OC);

    const over = { dinp: Float64Array.from(dinp0), dw: Float64Array.from(dw0), db: Float64Array.from(db0) };
    matmulBackward(over.dinp, over.dw, over.db, dout, inp, weight, BT, C, OC);
    const acc = { dinp: Float64Array.from(dinp0), dw: Float64Array.from(dw0), db: Float64Array.from(db0) };
    matmulBackward(acc.dinp, acc.dw, acc.db, dout, inp, weight, BT, C, OC, { accumulateDinp: true });

    const sum = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);
    const tol = { atol: 1e-12, rtol: 1e-12 };
    const msg = `seed ${seed}`;
    expect(compare(over.dinp, zero.dinp, tol).maxError, msg).toBeLessThanOrEqual(1);
    expect(compare(acc.dinp, sum(dinp0, zero.dinp), tol).maxError, msg).toBeLessThanOrEqual(1);
    for (const r of [over, acc]) {
      expect(compare(r.dw, sum(dw0, zero.dw), tol).maxError, msg).toBeLessThanOrEqual(1);
      expect(compare(r.db, sum(db0, zero.db), tol).maxError, msg).toBeLessThanOrEqual(1);
    }
  });
});
