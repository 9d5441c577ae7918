import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, createTensor, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import { ShapeError } from '../gpu/errors';
import type { Gpu } from '../gpu/device';
import * as ref from '../ref/encoder';
import { buildTokenBuckets } from './buckets';
import { encoderBackward, encoderDecode, encoderForward, type PositionEncoding } from './encoder';

// One f32 addition per element: the GPU result is the correctly rounded sum.
const TOL_LEARNED = { atol: 1e-6, rtol: 1e-6 };
// The angle t·10000^(−2i/C) is formed in f32, so it is off by a few ulp of t (measured ≤ 3e-6
// at t < 40, 2e-4 at t ≈ 1000, as any f32 implementation would be); the shader's own sin/cos
// add < 1e-7. 2e-5 covers the test's t < 40 with margin.
const TOL_SINUSOIDAL = { atol: 2e-5, rtol: 1e-6 };
// Each gradient element is an f32 sum of up to B·T terms of size ~1 (a bucket, or the B
// batch rows) added to a random start: rounding grows like √terms · 2^-24 · |partial sums|,
// measured ≤ 4e-7 at these sizes.
const TOL_BACKWARD = { atol: 1e-5, rtol: 1e-5 };

interface Size {
  B: number;
  T: number;
  C: number;
  V: number;
  maxT: number;
}

// Awkward (nothing a multiple of the 64-wide workgroup), and one spanning several
// workgroups in every dimension: C > 64 gives two channel chunks per vocab row.
const SIZES: Size[] = [
  { B: 3, T: 7, C: 20, V: 67, maxT: 10 },
  { B: 4, T: 33, C: 72, V: 300, maxT: 40 },
];

/** Tokens from a random subset of the vocabulary (so ids repeat and many are absent), skewed
 * so that one bucket is large; the last id is always in the subset to exercise offsets[V]. */
function tokensWithRepeats(rng: Rng, n: number, V: number): Uint32Array {
  const pool = [V - 1];
  for (let v = 0; v < V - 1; v++) if (rng.random() < 0.25) pool.push(v);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = pool[Math.floor(pool.length * rng.random() ** 2)];
  return out;
}

async function checkForward(gpu: Gpu, size: Size, positions: PositionEncoding): Promise<void> {
  const seed = testSeed();
  const rng = new Rng(seed);
  const { B, T, C, V, maxT } = size;
  const learned = positions === 'learned';
  const tokens = tokensWithRepeats(rng, B * T, V);
  const wte = f32(randn(rng, V * C));
  const wpe = learned ? f32(randn(rng, maxT * C)) : null;
  const out = poisoned(gpu, 'out', [B, T, C]);
  const d = await encoderForward(gpu, out, upload(gpu, 'tokens', [B, T], tokens, 'u32'), upload(gpu, 'wte', [V, C], wte),
    wpe ? upload(gpu, 'wpe', [maxT, C], wpe) : null, { positions });
  await run(gpu, [d]);
  const expected = new Float64Array(B * T * C);
  ref.encoderForward(expected, tokens, wte, wpe, B, T, C, { positions });
  const what = `encoder_forward_${positions} ${JSON.stringify(size)}`;
  expectClose(what, await download(gpu, out), expected, learned ? TOL_LEARNED : TOL_SINUSOIDAL, seed);
  await checkGuards(gpu, out);
}

async function checkBackward(gpu: Gpu, size: Size, positions: PositionEncoding): Promise<void> {
  const seed = testSeed();
  const rng = new Rng(seed);
  const { B, T, C, V, maxT } = size;
  const learned = positions === 'learned';
  const tokens = tokensWithRepeats(rng, B * T, V);
  const { offsets, positions: bucketPositions } = buildTokenBuckets(tokens, V);
  const dout = f32(randn(rng, B * T * C));
  // Random starting gradients: both outputs accumulate, and untouched rows must keep them.
  const dwte0 = f32(randn(rng, V * C));
  const dwpe0 = learned ? f32(randn(rng, maxT * C)) : null;
  const dwte = upload(gpu, 'dwte', [V, C], dwte0);
  const dwpe = dwpe0 ? upload(gpu, 'dwpe', [maxT, C], dwpe0) : null;
  const ds = await encoderBackward(gpu, dwte, dwpe, upload(gpu, 'dout', [B, T, C], dout),
    upload(gpu, 'offsets', [V + 1], offsets, 'u32'), upload(gpu, 'positions', [B * T], bucketPositions, 'u32'),
    { positions });
  await run(gpu, ds);
  const expDwte = Float64Array.from(dwte0);
  const expDwpe = dwpe0 ? Float64Array.from(dwpe0) : null;
  ref.encoderBackward(expDwte, expDwpe, dout, offsets, bucketPositions, B, T, C, V, { positions });
  const what = `encoder_backward (${positions}) ${JSON.stringify(size)}`;
  expectClose(`${what} dwte`, await download(gpu, dwte), expDwte, TOL_BACKWARD, seed);
  await checkGuards(gpu, dwte);
  if (dwpe) {
    expectClose(`${what} dwpe`, await download(gpu, dwpe), expDwpe!, TOL_BACKWARD, seed);
    await checkGuards(gpu, dwpe);
  }
}

describe('encoder kernels', () => {
  for (const positions of ['learned', 'sinusoidal'] as const) {
    it(`forward, ${positions} positions`, async () => {
      const gpu = await getTestGpu();
      for (const size of SIZES) await checkForward(gpu, size, positions);
    });

    it(`backward, ${positions} positions`, async () => {
      const gpu = await getTestGpu();
      for (const size of SIZES) await checkBackward(gpu, size, positions);
    });
  }

  it('a token outside the vocabulary gives a NaN row, the others are unaffected', async () => {
    const gpu = await getTestGpu();
    const [B, T, C, V] = [1, 3, 5, 4];
    const wte = Array.from({ length: V * C }, (_, i) => i);
    const out = poisoned(gpu, 'out', [B, T, C]);
    await run(gpu, [await encoderForward(gpu, out, upload(gpu, 'tokens', [B, T], [1, V, 3], 'u32'),
      upload(gpu, 'wte', [V, C], wte), null, { positions: 'sinusoidal' })]);
    const got = await download(gpu, out);
    expect(got.subarray(C, 2 * C).every(Number.isNaN)).toBe(true);
    expect(got[0]).toBeCloseTo(wte[C], 6); // token 1, t = 0: sin(0) = 0
    expect(got[2 * C + 1]).toBeCloseTo(wte[3 * C + 1] + Math.cos(2), 6);
  });

  it('rejects a position table that does not fit the options or the sequence', async () => {
    const gpu = await getTestGpu();
    const out = createTensor(gpu, 'out', [2, 5, 4]);
    const tokens = createTensor(gpu, 'tokens', [2, 5], 'u32');
    const wte = createTensor(gpu, 'wte', [7, 4]);
    const short = createTensor(gpu, 'wpe', [4, 4]);
    expect(() => encoderForward(gpu, out, tokens, wte, null, { positions: 'learned' })).toThrow(ShapeError);
    expect(() => encoderForward(gpu, out, tokens, wte, short, { positions: 'learned' })).toThrow(/4 positions/);
    expect(() => encoderForward(gpu, out, tokens, wte, short, { positions: 'sinusoidal' })).toThrow(ShapeError);
    expect(() => encoderForward(gpu, out, createTensor(gpu, 'tokens', [2, 5]), wte, null, { positions: 'sinusoidal' }))
      .toThrow(/as u32/);
    const offsets = createTensor(gpu, 'offsets', [7], 'u32'); // should be V + 1 = 8
    const positions = createTensor(gpu, 'positions', [10], 'u32');
    await expect(encoderBackward(gpu, wte, null, out, offsets, positions, { positions: 'sinusoidal' })).rejects.toThrow(ShapeError);
  });
});

describe('encoder_decode (one position, for KV-cached generation)', () => {
  for (const positions of ['learned', 'sinusoidal'] as PositionEncoding[]) {
    it(`${positions}: row t of the full encoder, for every t, from one prepared dispatch`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const rng = new Rng(seed);
      const maxT = 13;
      const C = 72; // two workgroups of 64
      const V = 29;
      const tokens = Uint32Array.from({ length: maxT }, () => rng.int(V));
      const wte = f32(randn(rng, V * C));
      const wpe = positions === 'learned' ? f32(randn(rng, maxT * C)) : null;
      const full = new Float64Array(maxT * C);
      ref.encoderForward(full, tokens, wte, wpe, 1, maxT, C, { positions });
      const out = poisoned(gpu, 'out', [1, C]);
      const pos = upload(gpu, 'position', [1], [0], 'u32');
      const d = await encoderDecode(gpu, out, upload(gpu, 'tokens', [maxT], tokens, 'u32'), upload(gpu, 'wte', [V, C], wte),
        wpe ? upload(gpu, 'wpe', [maxT, C], wpe) : null, pos, { positions });
      for (const t of [0, 5, maxT - 1]) {
        gpu.device.queue.writeBuffer(pos.buffer, pos.offset, Uint32Array.of(t));
        await run(gpu, [d]);
        const tol = positions === 'learned' ? TOL_LEARNED : TOL_SINUSOIDAL;
        expectClose(`decode t=${t}`, await download(gpu, out), full.subarray(t * C, (t + 1) * C), tol, seed);
      }
      await checkGuards(gpu, out);
    });
  }
});
