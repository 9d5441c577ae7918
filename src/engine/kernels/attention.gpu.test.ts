import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, createTensor, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import { ShapeError } from '../gpu/errors';
import * as ref from '../ref/attention';
import { attentionBackward, attentionForward, attentionProbs } from './attention';
import { defaultKernelConfig, MATMUL_LANES } from '../tune/defaults';
import type { Gpu } from '../gpu/device';
import type { KernelConfig } from './config';

/** Whether this device can run the lanes kernels (subgroups of at least MATMUL_LANES; SwiftShader's are 4). */
const lanesRun = (gpu: Gpu): boolean => gpu.features.has('subgroups') && (gpu.adapter.subgroupMinSize ?? 0) >= MATMUL_LANES;

// Tolerances: float32 rounding in dot products of ≤ 16 terms, exps and running sums over ≤ 37
// keys. Measured worst over 160 random runs on SwiftShader, the errors were ≈ 5× below each
// bound; a wrong key, mask or scale is off by ≫ 1e-3.
// out is a convex combination of v (|v| ≲ 4): worst seen 7e-7 absolute.
const FORWARD_TOL = { atol: 2e-6, rtol: 2e-5 };
// lse = m + log(l) with |lse| ≲ 6: worst seen 8e-7 absolute.
const LSE_TOL = { atol: 4e-6, rtol: 1e-6 };
// One exp of (float32 score − lse) per probability: relative error ≈ |s|·ε, worst seen 1.5e-6.
const PROBS_TOL = { atol: 1e-7, rtol: 1e-5 };
// Gradients (|g| ≲ 7) sum up to 37 terms P·(dP − D) in which dP − D cancels: worst seen
// 2e-6 absolute. D itself is one dot product of hs terms.
const BACKWARD_TOL = { atol: 1e-5, rtol: 1e-5 };
// Scores near −120: float32 rounding of a score is ≈ |s|·ε ≈ 1e-5 absolute, which becomes
// the relative error of every probability and so of out (worst seen 1.7e-5). A NaN or Inf from
// a bad initial max, or a missed rescale, is still off by orders of magnitude.
const LARGE_SCORE_TOL = { atol: 1e-4, rtol: 1e-4 };

interface Shape {
  B: number;
  T: number;
  C: number;
  NH: number;
}

// Nothing a multiple of ROWS (32) or TILE (8); then several query blocks and key tiles.
const AWKWARD: Shape = { B: 3, T: 7, C: 20, NH: 2 };
const TILED: Shape = { B: 2, T: 37, C: 48, NH: 3 };
// A head of 40 channels: more than 32 (staged by default everywhere), a multiple of 4.
const WIDE: Shape = { B: 1, T: 37, C: 80, NH: 2 };
// As products: the last row block (rows 32) starts a score tile exactly on the diagonal (16
// columns per tile for a 16-channel head), which must be computed.
const DIAGONAL: Shape = { B: 1, T: 33, C: 32, NH: 2 };

function inputs(s: Shape, causal: boolean) {
  const seed = testSeed();
  const rng = new Rng(seed);
  const { B, T, C, NH } = s;
  const opts = { nHead: NH, causal };
  const qkv = f32(randn(rng, B * T * 3 * C));
  const out = new Float64Array(B * T * C);
  const lse = new Float64Array(B * NH * T);
  ref.attentionForward(out, lse, qkv, B, T, C, opts);
  return { seed, rng, opts, qkv, out, lse };
}

const label = (s: Shape, causal: boolean) =>
  `B=${s.B} T=${s.T} C=${s.C} NH=${s.NH} ${causal ? 'causal' : 'no mask'}`;

describe('attention kernels', () => {
  for (const shape of [AWKWARD, TILED, WIDE, DIAGONAL]) {
    // Keys (queries) staged in workgroup memory or read directly, and the adapter's default.
    // And as batched products over a scores scratch (attention-lanes.ts), where the device
    // runs matmul_lanes; the scratch starts poisoned, so a skipped tile that is read shows.
    for (const [causal, how_] of [[true, undefined], [false, undefined], [true, true], [true, false], [true, 'products'], [false, 'products']] as const) {
      if (shape === DIAGONAL && how_ !== 'products') continue;
      const { B, T, C, NH } = shape;
      const staged = how_ === 'products' ? undefined : how_;
      const how = how_ === undefined ? '' : how_ === 'products' ? ', as products' : how_ ? ', staged' : ', direct reads';
      const configOf = (gpu: Gpu): KernelConfig => {
        const kc = defaultKernelConfig(gpu);
        return how_ === 'products' ? { ...kc, matmul: { ...kc.matmul, lanes: lanesRun(gpu) } } : kc;
      };
      const scratchOf = (gpu: Gpu, backward: boolean) => (how_ === 'products'
        ? { scratch: { p: poisoned(gpu, 'attP', [B, NH, T, T]), ...(backward ? { dp: poisoned(gpu, 'attDP', [B, NH, T, T]) } : {}) } }
        : {});

      it(`forward out and lse, ${label(shape, causal)}${how}`, async () => {
        const gpu = await getTestGpu();
        const { seed, opts: o, qkv, out, lse } = inputs(shape, causal);
        const opts = { ...o, staged, ...scratchOf(gpu, false) };
        const gOut = poisoned(gpu, 'out', [B, T, C]);
        const gLse = poisoned(gpu, 'lse', [B, NH, T]);
        const dQkv = upload(gpu, 'qkv', [B, T, 3 * C], qkv);
        await run(gpu, await attentionForward(gpu, configOf(gpu), gOut, gLse, dQkv, opts));
        expectClose('attention_forward out', await download(gpu, gOut), out, FORWARD_TOL, seed);
        expectClose('attention_forward lse', await download(gpu, gLse), lse, LSE_TOL, seed);
        await checkGuards(gpu, gOut);
        await checkGuards(gpu, gLse);
      });

      if (how_ === undefined) it(`probs, ${label(shape, causal)}`, async () => {
        const gpu = await getTestGpu();
        const { seed, opts, qkv, lse } = inputs(shape, causal);
        const lse32 = f32(lse);
        const probs = new Float64Array(B * NH * T * T);
        ref.attentionProbs(probs, qkv, lse32, B, T, C, opts);
        const gProbs = poisoned(gpu, 'probs', [B, NH, T, T]);
        const dQkv = upload(gpu, 'qkv', [B, T, 3 * C], qkv);
        await run(gpu, [await attentionProbs(gpu, gProbs, dQkv, upload(gpu, 'lse', [B, NH, T], lse32), opts)]);
        const got = await download(gpu, gProbs);
        expectClose('attention_probs', got, probs, PROBS_TOL, seed);
        await checkGuards(gpu, gProbs);
        for (let r = 0; r < B * NH * T; r++) {
          const i = r % T;
          let sum = 0;
          for (let j = 0; j < T; j++) {
            const p = got[r * T + j];
            if (causal && j > i) expect(Object.is(p, 0), `seed ${seed}: masked P[row ${r}, key ${j}] = ${p}`).toBe(true);
            sum += p;
          }
          expect(Math.abs(sum - 1), `seed ${seed}: row ${r} sums to ${sum}`).toBeLessThan(1e-5);
        }
      });

      it(`backward dq, dk, dv, ${label(shape, causal)}${how}`, async () => {
        const gpu = await getTestGpu();
        const { seed, rng, opts: o, qkv, out, lse } = inputs(shape, causal);
        const opts = { ...o, staged, ...scratchOf(gpu, true) };
        // The kernels read the forward's saved out and lse as float32: so does the reference.
        const out32 = f32(out);
        const lse32 = f32(lse);
        const dout = f32(randn(rng, B * T * C));
        const dqkv = new Float64Array(B * T * 3 * C);
        const D = new Float64Array(B * NH * T);
        ref.attentionBackward(dqkv, dout, qkv, out32, lse32, D, B, T, C, opts);
        const gDqkv = poisoned(gpu, 'dqkv', [B, T, 3 * C]);
        const gD = poisoned(gpu, 'scratchD', [B, NH, T]);
        const dispatches = await attentionBackward(
          gpu,
          configOf(gpu),
          gDqkv,
          upload(gpu, 'dout', [B, T, C], dout),
          upload(gpu, 'qkv', [B, T, 3 * C], qkv),
          upload(gpu, 'out', [B, T, C], out32),
          upload(gpu, 'lse', [B, NH, T], lse32),
          gD,
          opts,
        );
        await run(gpu, dispatches);
        const got = await download(gpu, gDqkv);
        // Compared per part so that a failure names dq, dk or dv.
        const part = (a: ArrayLike<number>, k: number) => {
          const r = new Float64Array(B * T * C);
          for (let t = 0; t < B * T; t++) for (let c = 0; c < C; c++) r[t * C + c] = a[t * 3 * C + k * C + c];
          return r;
        };
        ['dq', 'dk', 'dv'].forEach((name, k) =>
          expectClose(`attention_backward ${name}`, part(got, k), part(dqkv, k), BACKWARD_TOL, seed));
        expectClose('attention_backward D', await download(gpu, gD), D, BACKWARD_TOL, seed);
        await checkGuards(gpu, gDqkv);
        await checkGuards(gpu, gD);
      });
    }
  }

  it('scores far below zero: the first visible key sets the running max (no exp overflow)', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const rng = new Rng(seed);
    const { B, T, C, NH } = TILED;
    const hs = C / NH;
    // q ≈ −30·u and k ≈ u with |u|² = hs for one random direction u per head: every score is
    // ≈ −30·√hs = −120 ± a few, so every row's first visible key is far below the −88 at which
    // exp(−s) overflows float32, and the softmax is still peaked.
    const u = randn(rng, C);
    for (let h = 0; h < NH; h++) {
      const norm = Math.hypot(...u.subarray(h * hs, (h + 1) * hs));
      for (let d = 0; d < hs; d++) u[h * hs + d] *= Math.sqrt(hs) / norm;
    }
    const qkv = f32(randn(rng, B * T * 3 * C).map((x, e) => {
      const [part, c] = [Math.floor((e % (3 * C)) / C), e % C];
      return part === 0 ? 0.1 * x - 30 * u[c] : part === 1 ? 0.1 * x + u[c] : x;
    }));
    for (const [causal, products] of [[true, false], [false, false], [true, true], [false, true]] as const) {
      const kc = defaultKernelConfig(gpu);
      const config = products ? { ...kc, matmul: { ...kc.matmul, lanes: lanesRun(gpu) } } : kc;
      const scratch = products ? { scratch: { p: poisoned(gpu, 'attP', [B, NH, T, T]) } } : {};
      const opts = { nHead: NH, causal, ...scratch };
      const out = new Float64Array(B * T * C);
      const lse = new Float64Array(B * NH * T);
      ref.attentionForward(out, lse, qkv, B, T, C, opts);
      expect(Math.max(...lse), `seed ${seed}: some row's scores are not below −90`).toBeLessThan(-90);
      const gOut = poisoned(gpu, 'out', [B, T, C]);
      const gLse = poisoned(gpu, 'lse', [B, NH, T]);
      await run(gpu, await attentionForward(gpu, config, gOut, gLse, upload(gpu, 'qkv', [B, T, 3 * C], qkv), opts));
      expectClose(`attention_forward out (causal=${causal}, products=${products})`, await download(gpu, gOut), out, LARGE_SCORE_TOL, seed);
      expectClose(`attention_forward lse (causal=${causal}, products=${products})`, await download(gpu, gLse), lse, LARGE_SCORE_TOL, seed);
      await checkGuards(gpu, gOut);
      await checkGuards(gpu, gLse);
    }
  });

  it('rejects bad shapes with a ShapeError that says what is wrong', async () => {
    const gpu = await getTestGpu();
    const t = (shape: number[]) => createTensor(gpu, 'x', shape);
    const [B, T] = [1, 2];
    const fwd = (C: number, NH: number, outShape = [B, T, C], lseShape = [B, NH, T]) => () =>
      attentionForward(gpu, defaultKernelConfig(gpu), t(outShape), t(lseShape), t([B, T, 3 * C]), { nHead: NH, causal: true });
    expect(fwd(258, 2)).toThrow(ShapeError);
    expect(fwd(258, 2)).toThrow(/head size 129 .* exceeds the supported maximum of 128/);
    await expect(fwd(256, 2)()).resolves.toBeDefined(); // hs = 128 exactly is supported
    expect(fwd(20, 3)).toThrow(/3 heads do not divide the 20 channels/);
    expect(fwd(20, 2, [B, T, 21])).toThrow(ShapeError);
    expect(fwd(20, 2, undefined, [B, 2, T + 1])).toThrow(ShapeError);
    const probs = () => attentionProbs(gpu, t([B, 2, T, T + 1]), t([B, T, 60]), t([B, 2, T]), { nHead: 2, causal: true });
    expect(probs).toThrow(ShapeError);
    const bwd = () => attentionBackward(gpu, defaultKernelConfig(gpu), t([B, T, 60]), t([B, T, 20]), t([B, T, 60]), t([B, T, 20]), t([B, 2, T]),
      t([B, 2, T + 1]), { nHead: 2, causal: true });
    await expect(bwd()).rejects.toThrow(/expected x of shape \(1, 2, 2\), got \(1, 2, 3\)/);
  });
});
