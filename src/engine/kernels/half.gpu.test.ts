// half.wgsl's packing, and matmul reading a weight stored in f16 (both kernels, at an odd
// element offset so that both halves of a word are exercised), against the references.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { checkGuards, download, downloadU32, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/matmul';
import { HALF_EPS, roundHalf } from '../ref/half';
import { packHalf } from './half';
import { matmulForward } from './matmul';
import { defaultKernelConfig } from '../tune/defaults';

/** The number a binary16 bit pattern holds. */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return exp === 0 ? sign * frac * 2 ** -24 : sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const unpack = (words: Uint32Array, n: number) => Float64Array.from({ length: n }, (_, i) => halfValue((words[i >> 1] >>> (i & 1 ? 16 : 0)) & 0xffff));

describe('pack_f16', () => {
  it('packs an odd count of values two per word, each to a neighbouring half (the nearest in almost every case)', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const rng = new Rng(seed);
    const n = 1001;
    // Mixed magnitudes within f16's normal range, and exact halves.
    const x = f32(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? roundHalf(rng.normal()) : rng.normal() * 10 ** rng.uniform(-3, 4))));
    const words = poisoned(gpu, 'words', [Math.ceil(n / 2)], 'u32');
    await run(gpu, [await packHalf(gpu, words, upload(gpu, 'x', [n], x))]);
    const raw = await downloadU32(gpu, words);
    const got = unpack(raw, n);
    let nearest = 0;
    for (let i = 0; i < n; i++) {
      const r = roundHalf(x[i]);
      if (got[i] === r) nearest++;
      else expect(Math.abs(got[i] - x[i]), `value ${i} = ${x[i]} → ${got[i]} (nearest ${r}), seed ${seed}`).toBeLessThanOrEqual(2 * HALF_EPS * Math.abs(x[i]));
      if (i % 7 === 0) expect(got[i], `exact half ${x[i]} at ${i}`).toBe(x[i]);
    }
    expect(nearest / n).toBeGreaterThan(0.99);
    expect(raw[raw.length - 1] >>> 16, 'the unused high half of the last word').toBe(0);
    await checkGuards(gpu, words);
  });

  it('refuses a word count that does not match', async () => {
    const gpu = await getTestGpu();
    expect(() => packHalf(gpu, poisoned(gpu, 'w', [3], 'u32'), poisoned(gpu, 'x', [8]))).toThrow(RangeError);
  });
});

describe('matmul with an f16 weight', () => {
  for (const [name, lead, C, OC] of [['tiled', [2, 33], 70, 133], ['one row', [1, 1], 37, 70]] as const) {
    it(`${name}: B${lead[0]} T${lead[1]} C${C} OC${OC}, weight at an odd element offset`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const rng = new Rng(seed);
      const BT = lead[0] * lead[1];
      const inp = f32(randn(rng, BT * C));
      const weight = f32(randn(rng, OC * C));
      const bias = f32(randn(rng, OC));
      const offset = 3; // three values before the weight: it starts in a word's high half
      const src = new Float32Array(offset + weight.length);
      src.set([7, 8, 9]);
      src.set(weight, offset);
      const words = poisoned(gpu, 'words', [Math.ceil(src.length / 2)], 'u32');
      await run(gpu, [await packHalf(gpu, words, upload(gpu, 'src', [src.length], src))]);
      const out = poisoned(gpu, 'out', [...lead, OC]);
      // The f32 weight tensor gives the shape; its contents must not be read.
      const decoy = upload(gpu, 'weight f32', [OC, C], new Float32Array(OC * C).fill(NaN));
      await run(gpu, [await matmulForward(gpu, defaultKernelConfig(gpu), out, upload(gpu, 'inp', [...lead, C], inp), decoy, upload(gpu, 'bias', [OC], bias),
        { halfWeight: { buffer: words.buffer, elemOffset: words.offset / 4 * 2 + offset } })]);
      const got = await download(gpu, out);
      const exact = new Float64Array(BT * OC);
      ref.matmulForward(exact, inp, weight, bias, BT, C, OC);
      const halved = new Float64Array(BT * OC);
      ref.matmulForward(halved, inp, weight.map(roundHalf), bias, BT, C, OC);
      let moved = 0;
      for (let r = 0; r < BT; r++) {
        for (let o = 0; o < OC; o++) {
          let mag = 0;
          for (let c = 0; c < C; c++) mag += Math.abs(inp[r * C + c] * weight[o * C + c]);
          const i = r * OC + o;
          // Each weight within one f16 spacing of its value, plus float32 summation.
          const tol = 1e-4 * (1 + Math.abs(exact[i])) + 2 * HALF_EPS * mag;
          expect(Math.abs(got[i] - exact[i]), `out[${i}] ${got[i]} vs ${exact[i]} (f16 weights ${halved[i]}), seed ${seed}`).toBeLessThanOrEqual(tol);
          moved = Math.max(moved, Math.abs(got[i] - exact[i]));
        }
      }
      expect(moved, 'the f16 weights are really what was read').toBeGreaterThan(1e-5);
      await checkGuards(gpu, out);
    });
  }
});
