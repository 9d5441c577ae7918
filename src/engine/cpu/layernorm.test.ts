// The float32 LayerNorm against its float64 reference (../ref/layernorm.ts).
import { describe, it } from 'vitest';
import { Rng } from '../../core/rng';
import * as ref from '../ref/layernorm';
import { expectClose } from '../testing/compare';
import { f32, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { layernormBackward, layernormForward, LayernormScratch } from './layernorm';

// Row statistics, sums and the formulas run in float64 from the same float32 inputs; each stored
// value is rounded once: |error| ≤ 2⁻²⁴·|value|. The backward gets the forward's rounded mean
// and rstd on both sides. dinp = rstd·(g − mean g − x̂·mean(g·x̂)) cancels, so its bound is
// taken relative to the terms' scale, rstd·|g|.
const TOL = { atol: 1e-12, rtol: 2 ** -23 };
const f = (x: ArrayLike<number>) => Float32Array.from(x);

describe('CPU LayerNorm', () => {
  for (const [rows, C] of [[7, 13], [1, 5], [10, 64]]) {
    for (const accumulateDinp of [false, true]) {
      it(`rows ${rows} C ${C}: forward and backward${accumulateDinp ? ' accumulating dinp' : ''}`, () => {
        const seed = testSeed();
        const rng = new Rng(seed);
        // an offset and a spread per row, as the residual stream has
        const inp = f32(randn(rng, rows * C).map((x, i) => 3 * x + Math.floor(i / C) - 2));
        const w = f32(randn(rng, C));
        const b = f32(randn(rng, C));
        const dout = f32(randn(rng, rows * C));
        const out = new Float32Array(rows * C).fill(NaN);
        const mean = new Float32Array(rows).fill(NaN);
        const rstd = new Float32Array(rows).fill(NaN);
        layernormForward(out, mean, rstd, f(inp), f(w), f(b), rows, C);
        const e = { out: new Float64Array(rows * C), mean: new Float64Array(rows), rstd: new Float64Array(rows) };
        ref.layernormForward(e.out, e.mean, e.rstd, inp, w, b, rows, C);
        expectClose('out', out, e.out, TOL, seed);
        expectClose('mean', mean, e.mean, TOL, seed);
        expectClose('rstd', rstd, e.rstd, TOL, seed);

        const dinp0 = f32(randn(rng, rows * C));
        const dw0 = f32(randn(rng, C));
        const db0 = f32(randn(rng, C));
        const a = { dinp: f(dinp0), dw: f(dw0), db: f(db0) };
        const scratch = new LayernormScratch();
        scratch.reset(100);
        scratch.dw.fill(NaN); // reset() must clear what a larger call left
        layernormBackward(a.dinp, a.dw, a.db, f(dout), f(inp), f(w), mean, rstd, rows, C, scratch, { accumulateDinp });
        const x = { dinp: Float64Array.from(dinp0), dw: Float64Array.from(dw0), db: Float64Array.from(db0) };
        ref.layernormBackward(x.dinp, x.dw, x.db, dout, inp, w, mean, rstd, rows, C, { accumulateDinp });
        const gScale = Math.max(...rstd) * Math.max(...Array.from(dout, (d, i) => Math.abs(d * w[i % C])));
        expectClose('dinp', a.dinp, x.dinp, { atol: 2 ** -23 * gScale, rtol: 2 ** -23 }, seed);
        expectClose('dweight', a.dw, x.dw, TOL, seed);
        expectClose('dbias', a.db, x.db, TOL, seed);
      });
    }
  }
});
