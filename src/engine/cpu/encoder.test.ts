// The float32 embeddings against their float64 reference (../ref/encoder.ts).
import { describe, it } from 'vitest';
import { Rng } from '../../core/rng';
import { buildTokenBuckets } from '../kernels/buckets';
import * as ref from '../ref/encoder';
import { expectClose } from '../testing/compare';
import { f32, randint, randn } from '../testing/random';
import { testSeed } from '../testing/seed';
import { encoderBackward, encoderForward, sinusoidalTable } from './encoder';

const [B, T, C, V] = [3, 7, 10, 5]; // 21 positions over 5 tokens: every token repeats

describe('CPU encoder', () => {
  for (const positions of ['learned', 'sinusoidal'] as const) {
    it(`${positions} positions: forward and backward`, () => {
      const seed = testSeed();
      const rng = new Rng(seed);
      const tokens = randint(rng, B * T, V);
      const wte = f32(randn(rng, V * C));
      const wpe = f32(randn(rng, T * C));
      const dout = f32(randn(rng, B * T * C));
      const learned = positions === 'learned';
      const out = new Float32Array(B * T * C).fill(NaN);
      encoderForward(out, tokens, Float32Array.from(wte), learned ? Float32Array.from(wpe) : sinusoidalTable(T, C), B, T, C);
      const e = new Float64Array(B * T * C);
      ref.encoderForward(e, tokens, wte, learned ? wpe : null, B, T, C, { positions });
      // one rounding of the sum; the sinusoids are rounded to float32 in the table too (|PE| ≤ 1)
      expectClose('encoded', out, e, { atol: 2 ** -24, rtol: 2 ** -23 }, seed);

      const dwte = new Float32Array(V * C);
      const dwpe = new Float32Array(T * C);
      encoderBackward(dwte, learned ? dwpe : null, Float32Array.from(dout), tokens, B, T, C);
      const ewte = new Float64Array(V * C);
      const ewpe = new Float64Array(T * C);
      const buckets = buildTokenBuckets(tokens, V);
      ref.encoderBackward(ewte, learned ? ewpe : null, dout, buckets.offsets, buckets.positions, B, T, C, V, { positions });
      // Sums of up to B·T terms added in float32, each addition rounded: ≤ B·T·2⁻²⁴·Σ|terms|,
      // Σ|terms| ≲ B·T·4 for N(0, 1) terms.
      const tol = { atol: (B * T) ** 2 * 4 * 2 ** -24, rtol: 0 };
      expectClose('dwte', dwte, ewte, tol, seed);
      expectClose('dwpe', dwpe, ewpe, tol, seed);
    });
  }
});
