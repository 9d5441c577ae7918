import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn, randu } from '../testing/random';
import { compare, type Tolerance } from '../testing/compare';
import { dot, numericalGrad } from './gradcheck';
import { LAYERNORM_EPS, layernormBackward, layernormForward } from './layernorm';

// Central differences with step 1e-6 in float64: truncation ~1e-12·f''', rounding ~1e-10.
const FD_TOL: Tolerance = { atol: 1e-6, rtol: 1e-6 };

/** Rows with their own offset and spread, so that both the mean and eps matter. */
function rowsInput(rng: Rng, rows: number, C: number): Float64Array {
  const x = randn(rng, rows * C);
  for (let r = 0; r < rows; r++) {
    const offset = rng.uniform(-2, 2);
    const scale = Math.exp(rng.uniform(Math.log(0.1), Math.log(3)));
    for (let c = 0; c < C; c++) x[r * C + c] = scale * (offset + x[r * C + c]);
  }
  return x;
}

function setup(seed: number, rows: number, C: number) {
  const rng = new Rng(seed);
  return {
    inp: rowsInput(rng, rows, C),
    weight: randu(rng, C, 0.5, 1.5),
    bias: randn(rng, C),
    dout: randn(rng, rows * C),
  };
}

describe('reference layernorm', () => {
  it('backward matches finite differences for dinp, dweight and dbias', () => {
    const seed = testSeed();
    const rows = 4;
    const C = 9;
    const { inp, weight, bias, dout } = setup(seed, rows, C);
    const out = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    const loss = () => (layernormForward(out, mean, rstd, inp, weight, bias, rows, C), dot(out, dout));

    loss();
    const dinp = new Float64Array(rows * C).fill(NaN); // overwritten, so its old value must not matter
    const dweight0 = randn(new Rng(seed + 1), C);
    const dbias0 = randn(new Rng(seed + 2), C);
    const dweight = Float64Array.from(dweight0);
    const dbias = Float64Array.from(dbias0);
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, rows, C);
    const added = (acc: Float64Array, init: Float64Array) => acc.map((v, i) => v - init[i]);

    const msg = `seed ${seed}`;
    expect(compare(dinp, numericalGrad(loss, inp), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
    expect(compare(added(dweight, dweight0), numericalGrad(loss, weight), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
    expect(compare(added(dbias, dbias0), numericalGrad(loss, bias), FD_TOL).maxError, msg).toBeLessThanOrEqual(1);
  });

  it('accumulateDinp adds the gradient to dinp', () => {
    const seed = testSeed();
    const rows = 3;
    const C = 5;
    const { inp, weight, bias, dout } = setup(seed, rows, C);
    const out = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    layernormForward(out, mean, rstd, inp, weight, bias, rows, C);
    const fresh = new Float64Array(rows * C);
    layernormBackward(fresh, new Float64Array(C), new Float64Array(C), dout, inp, weight, mean, rstd, rows, C);
    const init = randn(new Rng(seed + 1), rows * C);
    const acc = Float64Array.from(init);
    layernormBackward(acc, new Float64Array(C), new Float64Array(C), dout, inp, weight, mean, rstd, rows, C, {
      accumulateDinp: true,
    });
    const expected = init.map((v, i) => v + fresh[i]);
    expect(compare(acc, expected, { atol: 1e-12, rtol: 1e-12 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
  });

  it('forward normalises each row: mean 0, variance var/(var + eps), and saves mean, rstd', () => {
    const rows = 2;
    const C = 4;
    const inp = [1, 2, 3, 6, 5, 5, 5, 5]; // the second row is constant: x̂ = 0 there, out = bias
    const out = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    const bias = [0.5, -1, 2, 0];
    layernormForward(out, mean, rstd, inp, [1, 1, 1, 1], [0, 0, 0, 0], rows, C);
    expect(mean[0]).toBeCloseTo(3, 12);
    const v = (4 + 1 + 0 + 9) / 4;
    expect(rstd[0]).toBeCloseTo(1 / Math.sqrt(v + LAYERNORM_EPS), 12);
    expect(rstd[1]).toBeCloseTo(1 / Math.sqrt(LAYERNORM_EPS), 9);
    const row0 = Array.from(out.subarray(0, C));
    expect(row0.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
    expect(row0.reduce((s, x) => s + x * x, 0) / C).toBeCloseTo(v / (v + LAYERNORM_EPS), 12);
    layernormForward(out, mean, rstd, inp, [1, 1, 1, 1], bias, rows, C);
    expect(Array.from(out.subarray(C))).toEqual(bias);
  });
});
