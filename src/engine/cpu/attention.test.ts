// The float32 attention against its float64 reference (../ref/attention.ts), in JavaScript
// and on the SIMD kernels: sequence lengths that leave partial groups of four queries and
// keys, causal and not.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import * as ref from '../ref/attention';
import { expectClose, type Tolerance } from '../testing/compare';
import { f32, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { attentionBackward, attentionForward, attentionProbs, AttentionScratch, type AttentionShape } from './attention';
import { Simd } from './simd';
import { simdAttentionBackward, simdAttentionForward } from './simd-attention';

const U = 2 ** -24;
// Both are given the same float32 inputs as the reference, and the backward the forward's
// rounded out and lse on both sides, as the model gives them. A wrong key range, scale or
// head offset moves elements by ≳1e-3.
// JavaScript: every score, exp, sum and product in float64 (the dot products in the
// reference's order, the softmax sums in another), rounded once when stored: |error| ≤
// 2⁻²⁴·|value| plus a float64 residue ~1e-15.
const TOL = { atol: 1e-12, rtol: 2 * U };
// SIMD: the products sum in float32, over hs terms (scores, dP) or T (out, dq, dk, dv), each
// erring by ~√K·2⁻²⁴ of the terms' magnitudes. out = Σ P·v is bounded by max|v|; a score's
// terms by hs·max|qkv|², whose error passes into lse as it is; the gradients are bounded by
// their own largest. Measured worst (30 seeds, up to T = 64): out 2.1·2⁻²⁴·max|qkv|, dqkv
// 10·2⁻²⁴·scale; the bounds below are 4·√(T + hs) and 8·√(T + hs) of those units.
function simdTols(T: number, hs: number, qkv: ArrayLike<number>, dqkv: ArrayLike<number>): { out: Tolerance; lse: Tolerance; dqkv: Tolerance } {
  const k = Math.sqrt(T + hs);
  const maxQkv = maxAbs(qkv);
  return {
    out: { atol: 4 * k * U * maxQkv, rtol: 2 * U },
    lse: { atol: 4 * Math.sqrt(hs) * U * hs * maxQkv ** 2, rtol: 2 * U },
    dqkv: { atol: 8 * k * U * maxAbs(dqkv), rtol: 2 * U },
  };
}

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const simd = Simd.create();

const SHAPES = [
  { B: 3, T: 7, C: 20, NH: 2 }, // head size 10; a group of 4 queries and one of 3
  { B: 2, T: 9, C: 24, NH: 3 }, // head size 8; two groups and a tail of 1
  { B: 1, T: 4, C: 6, NH: 2 }, // exactly one group, head size 3
  { B: 2, T: 33, C: 32, NH: 2 }, // head size 16, a whole SIMD row; many blocks of keys
];

describe('CPU attention', () => {
  it('has the SIMD kernels in Node', () => expect(simd).not.toBeNull());

  for (const { B, T, C, NH } of SHAPES) {
    for (const causal of [true, false]) {
      const name = `B${B} T${T} C${C} NH${NH} ${causal ? 'causal' : 'no mask'}`;
      it(`${name}: forward, probabilities and backward`, () => {
        const seed = testSeed();
        const rng = new Rng(seed);
        const shape: AttentionShape = { B, T, C, nHead: NH, causal };
        const opts = { nHead: NH, causal };
        const qkv = f32(randn(rng, B * T * 3 * C));
        const dout = f32(randn(rng, B * T * C));
        const s = new AttentionScratch();

        const out = new Float32Array(B * T * C).fill(NaN);
        const lse = new Float32Array(B * NH * T).fill(NaN);
        attentionForward(out, lse, Float32Array.from(qkv), shape, s);
        const eOut = new Float64Array(B * T * C);
        const eLse = new Float64Array(B * NH * T);
        const eProbs = new Float64Array(B * NH * T * T);
        ref.attentionForward(eOut, eLse, qkv, B, T, C, opts, eProbs);
        expectClose(`out ${name}`, out, eOut, TOL, seed);
        expectClose(`lse ${name}`, lse, eLse, TOL, seed);

        // From the rounded lse, as the model asks for them: within one rounding of that lse.
        const probs = new Float32Array(B * NH * T * T).fill(NaN);
        attentionProbs(probs, Float32Array.from(qkv), lse, shape, s);
        const eFromLse = new Float64Array(B * NH * T * T);
        ref.attentionProbs(eFromLse, qkv, lse, B, T, C, opts);
        expectClose(`probs ${name}`, probs, eFromLse, TOL, seed);

        const dqkv = new Float32Array(B * T * 3 * C).fill(NaN);
        attentionBackward(dqkv, Float32Array.from(dout), Float32Array.from(qkv), out, lse, shape, s);
        const eD = new Float64Array(B * T * 3 * C);
        ref.attentionBackward(eD, dout, qkv, out, lse, new Float64Array(B * NH * T), B, T, C, opts);
        // dq, dk, dv are sums whose terms P·(dP − D) cancel: bound the error by their scale.
        expectClose(`dqkv ${name}`, dqkv, eD, { atol: 2 * U * maxAbs(eD), rtol: 2 * U }, seed);
      });

      it(`${name}: SIMD forward and backward`, () => {
        const seed = testSeed();
        const rng = new Rng(seed);
        const shape: AttentionShape = { B, T, C, nHead: NH, causal };
        const opts = { nHead: NH, causal };
        const qkv = f32(randn(rng, B * T * 3 * C));
        const dout = f32(randn(rng, B * T * C));
        const out = new Float32Array(B * T * C).fill(NaN);
        const lse = new Float32Array(B * NH * T).fill(NaN);
        simdAttentionForward(simd!, out, lse, Float32Array.from(qkv), shape);
        const eOut = new Float64Array(B * T * C);
        const eLse = new Float64Array(B * NH * T);
        ref.attentionForward(eOut, eLse, qkv, B, T, C, opts);
        const dqkv = new Float32Array(B * T * 3 * C).fill(NaN);
        simdAttentionBackward(simd!, dqkv, Float32Array.from(dout), Float32Array.from(qkv), out, lse, shape);
        const eD = new Float64Array(B * T * 3 * C);
        ref.attentionBackward(eD, dout, qkv, out, lse, new Float64Array(B * NH * T), B, T, C, opts);
        const tol = simdTols(T, C / NH, qkv, eD);
        expectClose(`SIMD out ${name}`, out, eOut, tol.out, seed);
        expectClose(`SIMD lse ${name}`, lse, eLse, tol.lse, seed);
        expectClose(`SIMD dqkv ${name}`, dqkv, eD, tol.dqkv, seed);
      });
    }
  }
});
