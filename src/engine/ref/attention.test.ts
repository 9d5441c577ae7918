import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn } from '../testing/random';
import { compare } from '../testing/compare';
import { dot, numericalGrad } from './gradcheck';
import { attentionBackward, attentionForward, attentionProbs } from './attention';

const FD_TOL = { atol: 1e-6, rtol: 1e-5 };

describe('reference attention', () => {
  for (const causal of [true, false]) {
    it(`backward matches finite differences (causal=${causal})`, () => {
      const seed = testSeed();
      const rng = new Rng(seed);
      const [B, T, C, NH] = [2, 5, 6, 2];
      const opts = { nHead: NH, causal };
      const qkv = randn(rng, B * T * 3 * C);
      const dout = randn(rng, B * T * C);
      const out = new Float64Array(B * T * C);
      const lse = new Float64Array(B * NH * T);
      const loss = () => (attentionForward(out, lse, qkv, B, T, C, opts), dot(out, dout));
      loss();
      const dqkv = new Float64Array(B * T * 3 * C).fill(NaN); // overwritten, not accumulated
      const D = new Float64Array(B * NH * T);
      attentionBackward(dqkv, dout, qkv, out.slice(), lse.slice(), D, B, T, C, opts);
      const numeric = numericalGrad(loss, qkv);
      const c = compare(dqkv, numeric, FD_TOL);
      expect(c.maxError, `seed ${seed}: element ${c.worstIndex} ${c.actual} vs ${c.expected}`).toBeLessThanOrEqual(1);
    });
  }

  it('D equals the softmax backward row term Σ_j P_ij·dP_ij', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [B, T, C, NH] = [1, 6, 8, 2];
    const hs = C / NH;
    const opts = { nHead: NH, causal: true };
    const qkv = randn(rng, B * T * 3 * C);
    const dout = randn(rng, B * T * C);
    const out = new Float64Array(B * T * C);
    const lse = new Float64Array(B * NH * T);
    const probs = new Float64Array(B * NH * T * T);
    attentionForward(out, lse, qkv, B, T, C, opts, probs);
    const D = new Float64Array(B * NH * T);
    attentionBackward(new Float64Array(B * T * 3 * C), dout, qkv, out, lse, D, B, T, C, opts);
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < T; i++) {
        let expected = 0;
        for (let j = 0; j < T; j++) {
          let dp = 0;
          for (let d = 0; d < hs; d++) dp += dout[i * C + h * hs + d] * qkv[j * 3 * C + 2 * C + h * hs + d];
          expected += probs[(h * T + i) * T + j] * dp;
        }
        expect(Math.abs(D[h * T + i] - expected), `seed ${seed}`).toBeLessThan(1e-12);
      }
    }
  });

  it('causal: perturbing a later token leaves earlier outputs unchanged', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [B, T, C, NH] = [2, 6, 8, 2];
    const qkv = randn(rng, B * T * 3 * C);
    const run = (x: Float64Array, causal: boolean) => {
      const out = new Float64Array(B * T * C);
      attentionForward(out, new Float64Array(B * NH * T), x, B, T, C, { nHead: NH, causal });
      return out;
    };
    const t = 3;
    const perturbed = Float64Array.from(qkv);
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < 3 * C; c++) perturbed[(b * T + t) * 3 * C + c] += rng.normal();
    }
    const before = run(qkv, true);
    const after = run(perturbed, true);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        const row = (a: Float64Array) => Array.from(a.subarray((b * T + i) * C, (b * T + i + 1) * C));
        if (i < t) expect(row(after), `seed ${seed}, b ${b}, row ${i}`).toEqual(row(before));
        else expect(row(after), `seed ${seed}, b ${b}, row ${i}`).not.toEqual(row(before));
      }
    }
    // Without the mask the earlier rows do see the change: the property above is the mask's doing.
    expect(Array.from(run(perturbed, false).subarray(0, C))).not.toEqual(Array.from(run(qkv, false).subarray(0, C)));
  });

  it('probs from lse equal the softmax, rows sum to 1 and masked entries are exactly 0', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [B, T, C, NH] = [2, 5, 6, 3];
    for (const causal of [true, false]) {
      const opts = { nHead: NH, causal };
      const qkv = randn(rng, B * T * 3 * C, 2);
      const lse = new Float64Array(B * NH * T);
      const softmax = new Float64Array(B * NH * T * T);
      attentionForward(new Float64Array(B * T * C), lse, qkv, B, T, C, opts, softmax);
      const probs = new Float64Array(B * NH * T * T);
      attentionProbs(probs, qkv, lse, B, T, C, opts);
      expect(compare(probs, softmax, { atol: 1e-14, rtol: 1e-12 }).maxError, `seed ${seed}`).toBeLessThanOrEqual(1);
      for (let r = 0; r < B * NH * T; r++) {
        const i = r % T;
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const p = probs[r * T + j];
          if (causal && j > i) expect(Object.is(p, 0), `seed ${seed}: masked P[${i},${j}] = ${p}`).toBe(true);
          else expect(p).toBeGreaterThan(0);
          sum += p;
        }
        expect(Math.abs(sum - 1), `seed ${seed}`).toBeLessThan(1e-12);
      }
    }
  });

  it('the first causal row attends only to itself: out = v_0, lse = s_00', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const [T, C, NH] = [4, 6, 2];
    const hs = C / NH;
    const qkv = randn(rng, T * 3 * C);
    const out = new Float64Array(T * C);
    const lse = new Float64Array(NH * T);
    attentionForward(out, lse, qkv, 1, T, C, { nHead: NH, causal: true });
    for (let h = 0; h < NH; h++) {
      let s = 0;
      for (let d = 0; d < hs; d++) {
        expect(out[h * hs + d]).toBe(qkv[2 * C + h * hs + d]);
        s += qkv[h * hs + d] * qkv[C + h * hs + d];
      }
      expect(lse[h * T]).toBeCloseTo(s / Math.sqrt(hs), 12);
    }
  });
});
