// The float32 linear layer against its float64 reference (../ref/matmul.ts), on the
// WebAssembly SIMD kernel and on the JavaScript fallback, on sizes that are not multiples of
// their blocks, with and without bias, residual and accumulation.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import * as ref from '../ref/matmul';
import { expectClose, expectWithin } from '../testing/compare';
import { f32, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { Matmul, matmulABt, matmulBackward, matmulForward, transpose } from './matmul';
import { Simd } from './simd';

const U = 2 ** -24; // float32's unit roundoff

// The inputs are float32 values, which the reference reads exactly.
// JavaScript: every sum runs in float64 locals (K ≤ 67 terms: ~K·2⁻⁵³·Σ|terms| ≈ 1e-13) and is
// rounded to float32 once, when stored: |error| ≤ 2⁻²⁴·|result|.
const JS_TOL = { atol: 1e-10, rtol: 2 * U };
// SIMD: float32 sums, four lanes of K/4 terms then added. Rounding errors that random walk
// give ~√K·2⁻²⁴·Σ|terms| (worst case ~(K/4 + 3)·2⁻²⁴·Σ|terms|); the bound takes 4·√K of it
// per element, Σ|terms| computed by the reference on |inputs|, plus the final rounding. A
// wrong index or a dropped tail row moves elements by O(1).
const simdBound = (expected: ArrayLike<number>, absSum: ArrayLike<number>, K: number) =>
  Float64Array.from(expected, (e, i) => 4 * Math.sqrt(K) * U * absSum[i] + 2 * U * Math.abs(e) + 1e-30);

const SIZES = [
  { BT: 21, C: 20, OC: 67 }, // 21 = 5·4 + 1 rows, 67 columns, K = 20 or 67 (not a multiple of 4)
  { BT: 3, C: 5, OC: 2 }, // less than one block every way
  { BT: 8, C: 12, OC: 16 }, // whole blocks only
];

const f = (x: ArrayLike<number>) => Float32Array.from(x);
const abs = (x: ArrayLike<number>) => Float64Array.from(x, Math.abs);

const simd = Simd.create();
const BACKENDS: [string, () => Matmul][] = [
  ['SIMD', () => new Matmul(simd)],
  ['JavaScript', () => new Matmul(null)],
];

/** Checks `actual` against the reference's `expected`: tightly for JavaScript, per element for SIMD. */
function check(backend: string, what: string, actual: Float32Array, expected: Float64Array, absSum: Float64Array, K: number, seed: number) {
  if (backend === 'SIMD') expectWithin(`${backend} ${what}`, actual, expected, simdBound(expected, absSum, K), seed);
  else expectClose(`${backend} ${what}`, actual, expected, JS_TOL, seed);
}

describe('CPU matmul', () => {
  it('has the SIMD kernel in Node, as in the browsers the app supports', () => {
    expect(simd).not.toBeNull();
  });

  it('matmulABt: A·Bᵀ plus base and bias, base allowed to be the output', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [M, N, K] = [13, 10, 9];
    const A = f32(randn(rng, M * K));
    const B = f32(randn(rng, N * K));
    const base = f32(randn(rng, M * N));
    const bias = f32(randn(rng, N));
    const expected = new Float64Array(M * N);
    ref.matmulForward(expected, A, B, bias, M, K, N);
    for (let i = 0; i < expected.length; i++) expected[i] += base[i];
    const out = f(base);
    matmulABt(out, f(A), f(B), M, N, K, out, f(bias));
    expectClose('A·Bᵀ + base + bias', out, expected, JS_TOL, seed);
  });

  it('transpose', () => {
    const out = new Float32Array(6);
    transpose(out, f([1, 2, 3, 4, 5, 6]), 2, 3);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  for (const [backend, make] of BACKENDS) {
    for (const { BT, C, OC } of SIZES) {
      for (const withBias of [true, false]) {
        const name = `BT${BT} C${C} OC${OC} ${withBias ? 'with' : 'without'} bias`;
        it(`${backend}: forward ${name}, and with a fused residual`, () => {
          const seed = testSeed();
          const rng = new Rng(seed);
          const inp = f32(randn(rng, BT * C));
          const weight = f32(randn(rng, OC * C));
          const bias = f32(randn(rng, OC));
          const residual = f32(randn(rng, BT * OC));
          const expected = new Float64Array(BT * OC);
          ref.matmulForward(expected, inp, weight, withBias ? bias : null, BT, C, OC);
          const absSum = new Float64Array(BT * OC);
          ref.matmulForward(absSum, abs(inp), abs(weight), null, BT, C, OC);
          const mm = make();
          const out = new Float32Array(BT * OC).fill(NaN);
          matmulForward(mm, out, f(inp), f(weight), withBias ? f(bias) : null, BT, C, OC);
          check(backend, `forward ${name}`, out, expected, absSum, C, seed);
          matmulForward(mm, out, f(inp), f(weight), withBias ? f(bias) : null, BT, C, OC, f(residual));
          check(backend, `forward + residual ${name}`, out, expected.map((x, i) => x + residual[i]), absSum, C, seed);
        });

        for (const accumulateDinp of [false, true]) {
          it(`${backend}: backward ${name}${accumulateDinp ? ', accumulating dinp' : ''}`, () => {
            const seed = testSeed();
            const rng = new Rng(seed);
            const inp = f32(randn(rng, BT * C));
            const weight = f32(randn(rng, OC * C));
            const dout = f32(randn(rng, BT * OC));
            // gradients already holding something: dweight and dbias always add to it
            const dinp0 = f32(randn(rng, BT * C));
            const dw0 = f32(randn(rng, OC * C));
            const db0 = f32(randn(rng, OC));
            const e = { dinp: Float64Array.from(dinp0), dw: Float64Array.from(dw0), db: Float64Array.from(db0) };
            ref.matmulBackward(e.dinp, e.dw, withBias ? e.db : null, dout, inp, weight, BT, C, OC, { accumulateDinp });
            const s = { dinp: new Float64Array(BT * C), dw: new Float64Array(OC * C), db: new Float64Array(OC) };
            ref.matmulBackward(s.dinp, s.dw, s.db, abs(dout), abs(inp), abs(weight), BT, C, OC);
            const a = { dinp: f(dinp0), dw: f(dw0), db: f(db0) };
            // scratch left from a larger call must not leak into a smaller one
            const mm = make();
            for (let i = 0; i < 3; i++) mm.scratch(i, 4096).fill(NaN);
            matmulBackward(mm, a.dinp, a.dw, withBias ? a.db : null, f(dout), f(inp), f(weight), BT, C, OC, { accumulateDinp });
            check(backend, `dinp ${name}`, a.dinp, e.dinp, s.dinp, OC, seed);
            check(backend, `dweight ${name}`, a.dw, e.dw, s.dw, BT, seed);
            // Σ_rows dout is summed in float64 on both backends
            expectClose(`dbias ${name}`, a.db, withBias ? e.db : Float64Array.from(db0), JS_TOL, seed);
          });
        }
      }
    }
  }
});
