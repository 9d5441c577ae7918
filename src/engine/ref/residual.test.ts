import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn } from '../testing/random';
import { compare } from '../testing/compare';
import { dot, numericalGrad } from './gradcheck';
import { residualBackward, residualForward } from './residual';

describe('reference residual', () => {
  it('backward matches finite differences', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const n = 37;
    const a = randn(rng, n);
    const b = randn(rng, n);
    const dout = randn(rng, n);
    const out = new Float64Array(n);
    const loss = () => (residualForward(out, a, b, n), dot(out, dout));
    const da = new Float64Array(n);
    const db = new Float64Array(n);
    residualBackward(da, db, dout, n);
    expect(compare(da, numericalGrad(loss, a), { atol: 1e-6, rtol: 1e-6 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
    expect(compare(db, numericalGrad(loss, b), { atol: 1e-6, rtol: 1e-6 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
  });
});
