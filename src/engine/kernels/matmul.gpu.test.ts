import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import type { Tensor } from '../gpu/tensor';
import * as ref from '../ref/matmul';
import { defaultKernelConfig } from '../tune/defaults';
import { tileForShape } from './config';
import { matmulBackward, matmulForward, matmulPlainForward } from './matmul';

// Dot products of up to K≈130 terms of N(0,1)·N(0,1), summed in float32 in a different order
// from the float64 reference: the rounding error grows like √K·2⁻²⁴·|terms| ≈ 1e-6 typically
// and is bounded by K·2⁻²⁴·Σ|terms| ≈ 7e-4 in the worst case; 1e-4 sits between the two,
// while every mutation the kernels were checked against moves some element by ≳0.1.
const TOL = { atol: 1e-4, rtol: 1e-4 };

interface Size {
  name: string;
  lead: number[]; // leading dims of inp, e.g. (B, T)
  C: number;
  OC: number;
}

// AWKWARD: nothing a multiple of the 64×64×16 tile, and BT, OC not of the 8×8 block either.
// MULTI_TILE: every dimension of each product spans more than one tile (forward M=BT N=OC K=C,
// dinp M=BT N=C K=OC, dW M=OC N=C K=BT), the last one partial.
const AWKWARD: Size = { name: 'B3 T7 C20 OC67', lead: [3, 7], C: 20, OC: 67 };
const MULTI_TILE: Size = { name: 'B2 T65 C70 OC133', lead: [2, 65], C: 70, OC: 133 };

type Forward = typeof matmulPlainForward;

/** The tiled forward with the device's default kernel configuration. */
const tiledForward: Forward = (gpu, out, inp, weight, bias) => matmulForward(gpu, defaultKernelConfig(gpu), out, inp, weight, bias);

/**
 * The same dispatch with its workgroups spread over y and at least one surplus, as grid1d does
 * past 65535 workgroups: checks that a kernel recovers its linear index and skips the surplus.
 */
function asTwoD(d: Dispatch): Dispatch {
  const [x, y, z] = d.workgroups;
  if (y !== 1 || z !== 1) throw new Error(`${d.label}: already a ${x}×${y}×${z} grid`);
  return { ...d, workgroups: [Math.ceil((x + 1) / 2), 2, 1] };
}

function inputs(seed: number, s: Size) {
  const rng = new Rng(seed);
  const BT = s.lead.reduce((x, y) => x * y, 1);
  return {
    BT,
    rng,
    inp: f32(randn(rng, BT * s.C)),
    weight: f32(randn(rng, s.OC * s.C)),
    bias: f32(randn(rng, s.OC)),
  };
}

async function checkForward(gpu: Gpu, forward: Forward, what: string, s: Size, withBias: boolean, split: boolean): Promise<void> {
  const seed = testSeed();
  const { BT, inp, weight, bias } = inputs(seed, s);
  const out = poisoned(gpu, 'out', [...s.lead, s.OC]);
  const d = await forward(gpu, out, upload(gpu, 'inp', [...s.lead, s.C], inp), upload(gpu, 'weight', [s.OC, s.C], weight),
    withBias ? upload(gpu, 'bias', [s.OC], bias) : null);
  await run(gpu, [split ? asTwoD(d) : d]);
  const expected = new Float64Array(BT * s.OC);
  ref.matmulForward(expected, inp, weight, withBias ? bias : null, BT, s.C, s.OC);
  expectClose(`${what} ${s.name}`, await download(gpu, out), expected, TOL, seed);
  await checkGuards(gpu, out);
}

describe('matmul forward', () => {
  for (const [what, forward] of [['matmul_forward', tiledForward], ['matmul_plain_forward', matmulPlainForward]] as const) {
    for (const s of [AWKWARD, MULTI_TILE]) {
      for (const withBias of [true, false]) {
        const split = s === MULTI_TILE;
        it(`${what} ${s.name} ${withBias ? 'with bias' : 'without bias (LM head)'}${split ? ', 2-D grid' : ''}`, async () => {
          await checkForward(await getTestGpu(), forward, what, s, withBias, split);
        });
      }
    }
  }
});

async function checkBackward(s: Size, withBias: boolean, accumulateDinp: boolean, split = false): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const { BT, rng, inp, weight } = inputs(seed, s);
  const dout = f32(randn(rng, BT * s.OC));
  // Accumulated outputs start from random values, so += and = give different results.
  const dinp0 = f32(randn(rng, BT * s.C));
  const dw0 = f32(randn(rng, s.OC * s.C));
  const db0 = f32(randn(rng, s.OC));
  const inShape = [...s.lead, s.C];
  const dinp = accumulateDinp ? upload(gpu, 'dinp', inShape, dinp0) : poisoned(gpu, 'dinp', inShape);
  const dweight = upload(gpu, 'dweight', [s.OC, s.C], dw0);
  const dbias = withBias ? upload(gpu, 'dbias', [s.OC], db0) : null;
  const ds: Dispatch[] = await matmulBackward(gpu, defaultKernelConfig(gpu), dinp, dweight, dbias, upload(gpu, 'dout', [...s.lead, s.OC], dout),
    upload(gpu, 'inp', inShape, inp), upload(gpu, 'weight', [s.OC, s.C], weight), { accumulateDinp });
  await run(gpu, split ? ds.map(asTwoD) : ds);

  const eDinp = accumulateDinp ? Float64Array.from(dinp0) : new Float64Array(BT * s.C);
  const eDw = Float64Array.from(dw0);
  const eDb = Float64Array.from(db0);
  ref.matmulBackward(eDinp, eDw, withBias ? eDb : null, dout, inp, weight, BT, s.C, s.OC, { accumulateDinp });
  const checks: [string, Tensor, Float64Array][] = [['dinp', dinp, eDinp], ['dweight', dweight, eDw]];
  if (dbias) checks.push(['dbias', dbias, eDb]);
  for (const [name, t, expected] of checks) {
    expectClose(`matmul_backward ${name} ${s.name}`, await download(gpu, t), expected, TOL, seed);
    await checkGuards(gpu, t);
  }
}

describe('matmul backward', () => {
  it(`${AWKWARD.name} with bias, dinp overwritten`, () => checkBackward(AWKWARD, true, false));
  it(`${AWKWARD.name} without bias, dinp accumulated`, () => checkBackward(AWKWARD, false, true));
  it(`${MULTI_TILE.name} with bias, dinp accumulated`, () => checkBackward(MULTI_TILE, true, true));
  it(`${MULTI_TILE.name} with bias, dinp overwritten, 2-D grid`, () => checkBackward(MULTI_TILE, true, false, true));
});

// K one past a multiple of every tile's K step (8, 16, 32): the last K step holds a single
// k, which a loop bound off by one drops. Each product's K (forward C, dinp OC, dW BT) is
// ≡ 1 mod 32. Then 2 and 3 rows, the few-row kernel (matmul_rows) with K = 33 and 65.
const K_PAST_STEP: Size = { name: 'B3 T11 C33 OC65', lead: [3, 11], C: 33, OC: 65 };
const TWO_ROWS: Size = { name: 'B1 T2 C33 OC65', lead: [1, 2], C: 33, OC: 65 };
const THREE_ROWS: Size = { name: 'B3 T1 C65 OC33', lead: [3, 1], C: 65, OC: 33 };

describe('matmul with K ≡ 1 mod the K step', () => {
  it('every K of these products is one past a multiple of the K step of the tile it gets', async () => {
    const gpu = await getTestGpu();
    const kc = defaultKernelConfig(gpu);
    const s = K_PAST_STEP;
    const BT = s.lead.reduce((x, y) => x * y, 1);
    // forward (M=BT, N=OC, K=C), dinp (M=BT, N=C, K=OC), dW (M=OC, N=C, K=BT)
    for (const [M, N, K] of [[BT, s.OC, s.C], [BT, s.C, s.OC], [s.OC, s.C, BT]]) {
      const { BK } = tileForShape(kc.matmul, M, N);
      expect(K % BK, `${s.name}: M${M} N${N} K${K} with BK ${BK}`).toBe(1);
    }
  });
  for (const s of [K_PAST_STEP, TWO_ROWS, THREE_ROWS]) {
    it(`forward with bias ${s.name}`, async () => checkForward(await getTestGpu(), tiledForward, 'matmul_forward', s, true, false));
    it(`backward with bias, dinp overwritten ${s.name}`, () => checkBackward(s, true, false));
  }
});

describe('matmul determinism', () => {
  it('the same backward twice gives bitwise identical gradients', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const s = MULTI_TILE;
    const { BT, rng, inp, weight } = inputs(seed, s);
    const dout = upload(gpu, 'dout', [...s.lead, s.OC], f32(randn(rng, BT * s.OC)));
    const [x, w] = [upload(gpu, 'inp', [...s.lead, s.C], inp), upload(gpu, 'weight', [s.OC, s.C], weight)];
    const results: Float32Array[][] = [];
    for (let i = 0; i < 2; i++) {
      const g = [poisoned(gpu, 'dinp', [...s.lead, s.C]), upload(gpu, 'dw', [s.OC, s.C], new Float32Array(s.OC * s.C)),
        upload(gpu, 'db', [s.OC], new Float32Array(s.OC))];
      await run(gpu, await matmulBackward(gpu, defaultKernelConfig(gpu), g[0], g[1], g[2], dout, x, w));
      results.push(await Promise.all(g.map((t) => download(gpu, t))));
    }
    results[0].forEach((r, i) => expect(Array.from(results[1][i]), `seed ${seed}`).toEqual(Array.from(r)));
  });
});

describe('matmul shape checks', () => {
  it('rejects mismatched shapes before touching the GPU', async () => {
    const gpu = await getTestGpu();
    const t = (shape: number[]) => poisoned(gpu, 't', shape);
    const [inp, weight, out, bias] = [t([3, 7, 20]), t([67, 20]), t([3, 7, 67]), t([67])];
    expect(() => matmulForward(gpu, defaultKernelConfig(gpu), out, inp, t([67, 21]), bias)).toThrow(ShapeError);
    expect(() => matmulForward(gpu, defaultKernelConfig(gpu), t([21, 67]), inp, weight, bias)).toThrow(ShapeError);
    expect(() => matmulPlainForward(gpu, out, inp, weight, t([66]))).toThrow(ShapeError);
    await expect(matmulBackward(gpu, defaultKernelConfig(gpu), t([3, 7, 21]), weight, bias, out, inp, weight)).rejects.toThrow(ShapeError);
    await expect(matmulBackward(gpu, defaultKernelConfig(gpu), inp, t([20, 67]), bias, out, inp, weight)).rejects.toThrow(ShapeError);
  });
});
