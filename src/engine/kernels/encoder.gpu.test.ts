import { describe, it } from 'vitest';
import { Rng, freshSeed } from '../util/rng';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import type { Gpu } from '../gpu/device';
import * as ref from '../ref/encoder';
import { buildTokenBuckets } from './buckets';
import { encoderBackward, encoderForward, type PositionEncoding } from './encoder';

// One f32 addition per element: the GPU result is the correctly rounded sum.
const TOL_LEARNED = { atol: 1e-6, rtol: 1e-6 };
// The angle t·10000^(−2i/C) is formed in f32 (relative error a few 2^-24, i.e. ~1e-6 absolute
// at t = 32) and then goes through the device's sin/cos; 2e-5 leaves room for both.
const TOL_SINUSOIDAL = { atol: 2e-5, rtol: 1e-6 };
// Each gradient element is an f32 sum of up to B·T terms of size ~1 (a bucket, or the B
// batch rows) added to a random start: rounding grows like √terms · 2^-24 · |partial sums|.
const TOL_BACKWARD = { atol: 2e-5, rtol: 2e-5 };

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
  const seed = freshSeed();
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
  const seed = freshSeed();
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
});
