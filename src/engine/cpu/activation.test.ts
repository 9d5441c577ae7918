// The float32 GELU and ReLU against their float64 references (../ref/activation.ts).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import * as ref from '../ref/activation';
import { expectClose } from '../testing/compare';
import { f32, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { activationBackward, activationForward } from './activation';

const n = 1001;

describe('CPU activations', () => {
  it('GELU forward and backward', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    // wide enough to reach both tails, where e^(−2u) underflows or overflows
    const x = f32(randn(rng, n, 4).map((v, i) => (i === 0 ? -40 : i === 1 ? 40 : v)));
    const dout = f32(randn(rng, n));
    const out = new Float32Array(n).fill(NaN);
    const sig = new Float32Array(n).fill(NaN);
    activationForward('gelu', out, sig, Float32Array.from(x), n);
    const e = new Float64Array(n);
    ref.geluForward(e, x, n);
    // x·σ(2u) and 0.5·x·(1 + tanh u) agree to ~1e-16·|x| in float64 (the tanh form cancels for
    // x ≪ 0); one rounding when stored.
    expectClose('gelu', out, e, { atol: 1e-14, rtol: 2 ** -23 }, seed);
    const d = new Float32Array(n).fill(NaN);
    activationBackward('gelu', d, Float32Array.from(x), sig, Float32Array.from(dout), n);
    const ed = new Float64Array(n);
    ref.geluBackward(ed, x, dout, n);
    // The kept σ is rounded to float32: s and 2x·s(1 − s)·u′ (each ≲ 2 in size, of opposite
    // signs near x ≈ −0.75 where they cancel) carry 2⁻²⁴ relative each, times |dout| ≲ 5.
    expectClose('gelu backward', d, ed, { atol: 4 * 2 * 2 ** -24 * 5, rtol: 2 ** -23 }, seed);
  });

  it('ReLU forward and backward, the derivative at 0 taken as 0', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const x = f32(randn(rng, n).map((v, i) => (i % 10 === 0 ? 0 : v)));
    const dout = f32(randn(rng, n));
    const out = new Float32Array(n);
    activationForward('relu', out, new Float32Array(0), Float32Array.from(x), n);
    const e = new Float64Array(n);
    ref.reluForward(e, x, n);
    expect(Array.from(out)).toEqual(Array.from(e));
    const d = new Float32Array(n);
    activationBackward('relu', d, Float32Array.from(x), new Float32Array(0), Float32Array.from(dout), n);
    const ed = new Float64Array(n);
    ref.reluBackward(ed, x, dout, n);
    expect(Array.from(d)).toEqual(Array.from(ed));
  });
});
