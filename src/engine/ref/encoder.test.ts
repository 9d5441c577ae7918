import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randint, randn } from '../testing/random';
import { compare } from '../testing/compare';
import { buildTokenBuckets } from '../kernels/buckets';
import { dot, numericalGrad } from './gradcheck';
import { encoderBackward, encoderForward, sinusoidalPosition, type PositionEncoding } from './encoder';

const FD_TOL = { atol: 1e-6, rtol: 1e-6 };

function gradcheck(positions: PositionEncoding): void {
  const seed = testSeed();
  const rng = new Rng(seed);
  const [B, T, C, V, maxT] = [3, 5, 4, 11, 7];
  // Ids drawn from a few values so that tokens repeat (several positions per row of dwte)
  // and some rows never occur (their gradient must stay untouched).
  const tokens = randint(rng, B * T, 4).map((x) => x * 3);
  const learned = positions === 'learned';
  const wte = randn(rng, V * C);
  const wpe = learned ? randn(rng, maxT * C) : null;
  const dout = randn(rng, B * T * C);
  const out = new Float64Array(B * T * C);
  const loss = () => (encoderForward(out, tokens, wte, wpe, B, T, C, { positions }), dot(out, dout));

  // Accumulation: start the gradients from random values and compare the increments.
  const dwte0 = randn(rng, V * C);
  const dwpe0 = learned ? randn(rng, maxT * C) : null;
  const dwte = Float64Array.from(dwte0);
  const dwpe = dwpe0 ? Float64Array.from(dwpe0) : null;
  const { offsets, positions: bucketPositions } = buildTokenBuckets(tokens, V);
  encoderBackward(dwte, dwpe, dout, offsets, bucketPositions, B, T, C, V, { positions });

  const dwteInc = dwte.map((x, i) => x - dwte0[i]);
  expect(compare(dwteInc, numericalGrad(loss, wte), FD_TOL).maxError, `dwte, seed ${seed}`).toBeLessThanOrEqual(1);
  if (learned) {
    const dwpeInc = dwpe!.map((x, i) => x - dwpe0![i]);
    expect(compare(dwpeInc, numericalGrad(loss, wpe!), FD_TOL).maxError, `dwpe, seed ${seed}`).toBeLessThanOrEqual(1);
  }
}

describe('reference encoder', () => {
  it('backward (learned positions) matches finite differences, with repeated tokens', () => gradcheck('learned'));
  it('backward (sinusoidal positions) matches finite differences', () => gradcheck('sinusoidal'));

  it('forward adds the token row and the learned position row', () => {
    const [B, T, C] = [2, 2, 3];
    const wte = Float64Array.from([0, 1, 2, 10, 11, 12]); // V = 2
    const wpe = Float64Array.from([100, 200, 300, 400, 500, 600, 7, 7, 7]); // maxT = 3
    const out = new Float64Array(B * T * C);
    encoderForward(out, [1, 0, 0, 1], wte, wpe, B, T, C, { positions: 'learned' });
    expect(Array.from(out)).toEqual([110, 211, 312, 400, 501, 602, 100, 201, 302, 410, 511, 612]);
  });

  it('sinusoidal positions follow sin/cos(t / 10000^(2i/C)), odd C ending on a sin', () => {
    const [B, T, C] = [1, 3, 5];
    const wte = new Float64Array(C); // one token whose row is zero: out = PE
    const out = new Float64Array(B * T * C);
    encoderForward(out, [0, 0, 0], wte, null, B, T, C, { positions: 'sinusoidal' });
    const f2 = Math.pow(10000, -2 / 5);
    const f4 = Math.pow(10000, -4 / 5);
    const expected = [
      [0, 1, 0, 1, 0],
      [Math.sin(1), Math.cos(1), Math.sin(f2), Math.cos(f2), Math.sin(f4)],
      [Math.sin(2), Math.cos(2), Math.sin(2 * f2), Math.cos(2 * f2), Math.sin(2 * f4)],
    ].flat();
    expect(compare(out, expected, { atol: 1e-15, rtol: 1e-12 }).maxError).toBeLessThanOrEqual(1);
    expect(sinusoidalPosition(7, 3, 8)).toBeCloseTo(Math.cos(7 / 10), 14) // 10000^(2/8) = 10;
  });
});
