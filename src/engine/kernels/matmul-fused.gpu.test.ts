// matmul.wgsl beyond the plain product: every tile candidate (results must not depend on the
// tile), the few-row kernel the decoder uses, and the fused epilogues (activation, residual,
// activation backward), each against the float64 references.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import type { Tensor } from '../gpu/tensor';
import * as ref from '../ref/matmul';
import * as refAct from '../ref/activation';
import { matmulBackward, matmulForward, ROWS_MAX, type Activation } from './matmul';
import { MATMUL_TILES, SMALL_TILES, tileFits, type KernelConfig, type MatmulTile } from './config';
import { defaultKernelConfig, MATMUL_LANES } from '../tune/defaults';

const TOL = { atol: 1e-4, rtol: 1e-4 };

interface Case {
  name: string;
  lead: number[];
  C: number;
  OC: number;
}

// Spans several tiles of every candidate in each direction, partial at every edge.
const TILED: Case = { name: 'B2 T67 C70 OC133', lead: [2, 67], C: 70, OC: 133 };
// Rows ≤ ROWS_MAX: the decoder's one-position products go through matmul_rows.
const ONE_ROW: Case = { name: 'B1 T1 C37 OC70', lead: [1, 1], C: 37, OC: 70 };
const FEW_ROWS: Case = { name: `B1 T${ROWS_MAX} C29 OC45`, lead: [1, ROWS_MAX], C: 29, OC: 45 };

function data(seed: number, s: Case) {
  const rng = new Rng(seed);
  const BT = s.lead.reduce((x, y) => x * y, 1);
  return {
    BT,
    inp: f32(randn(rng, BT * s.C)),
    weight: f32(randn(rng, s.OC * s.C)),
    bias: f32(randn(rng, s.OC)),
    other: f32(randn(rng, BT * s.OC)), // residual stream or dout
    pre: f32(randn(rng, BT * s.C)), // pre-activation for the backward epilogue
    dinp0: f32(randn(rng, BT * s.C)),
    dw0: f32(randn(rng, s.OC * s.C)),
  };
}

const actRef = {
  gelu: { forward: refAct.geluForward, backward: refAct.geluBackward },
  relu: { forward: refAct.reluForward, backward: refAct.reluBackward },
};

describe('matmul tiles', () => {
  it('the candidates that fit this device, and matmul_lanes where it runs, give bitwise identical forward and backward results, equal to the reference', async () => {
    const gpu = await getTestGpu();
    const kc = defaultKernelConfig(gpu);
    const fits = [...MATMUL_TILES, ...SMALL_TILES].filter((t) => tileFits(t, gpu.limits));
    expect(fits.length).toBeGreaterThan(1);
    expect(fits).toContainEqual(kc.matmul.tile);
    // The lanes kernel needs subgroups of at least MATMUL_LANES (SwiftShader has 4).
    const lanesRun = gpu.features.has('subgroups') && (gpu.adapter.subgroupMinSize ?? 0) >= MATMUL_LANES;
    const tiles: (MatmulTile | 'lanes')[] = lanesRun ? [...fits, 'lanes'] : fits;
    const lanesConfig: KernelConfig = { ...kc, matmul: { ...kc.matmul, lanes: true } };
    const seed = testSeed();
    const s = TILED;
    const d = data(seed, s);
    const inShape = [...s.lead, s.C];
    const outShape = [...s.lead, s.OC];
    const eOut = new Float64Array(d.BT * s.OC);
    ref.matmulForward(eOut, d.inp, d.weight, d.bias, d.BT, s.C, s.OC);
    const eDinp = Float64Array.from(d.dinp0);
    const eDw = Float64Array.from(d.dw0);
    ref.matmulBackward(eDinp, eDw, null, d.other, d.inp, d.weight, d.BT, s.C, s.OC, { accumulateDinp: true });

    const inp = upload(gpu, 'inp', inShape, d.inp);
    const weight = upload(gpu, 'weight', [s.OC, s.C], d.weight);
    const bias = upload(gpu, 'bias', [s.OC], d.bias);
    const dout = upload(gpu, 'dout', outShape, d.other);
    let first: Float32Array[] | null = null;
    const name = (t: MatmulTile | 'lanes') => (t === 'lanes' ? 'matmul_lanes' : `tile ${t.BM}×${t.BN}×${t.BK} block ${t.RM}×${t.RN}`);
    for (const tile of tiles) {
      const what = (t: string) => `${t} ${name(tile)} ${s.name}`;
      const out = poisoned(gpu, 'out', outShape);
      const dinp = upload(gpu, 'dinp', inShape, d.dinp0);
      const dw = upload(gpu, 'dw', [s.OC, s.C], d.dw0);
      const [config, opts] = tile === 'lanes' ? [lanesConfig, {}] : [kc, { tile }];
      await run(gpu, [await matmulForward(gpu, config, out, inp, weight, bias, opts),
        ...(await matmulBackward(gpu, config, dinp, dw, null, dout, inp, weight, { accumulateDinp: true, ...opts }))]);
      const got = [await download(gpu, out), await download(gpu, dinp), await download(gpu, dw)];
      expectClose(what('forward'), got[0], eOut, TOL, seed);
      expectClose(what('dinp'), got[1], eDinp, TOL, seed);
      expectClose(what('dweight'), got[2], eDw, TOL, seed);
      for (const t of [out, dinp, dw]) await checkGuards(gpu, t);
      if (first) got.forEach((g, i) => expect(Array.from(g), what(`same bits as ${name(tiles[0])}`)).toEqual(Array.from(first![i])));
      else first = got;
    }
  });

  it('refuses a tile the device cannot run', async () => {
    const gpu = await getTestGpu();
    const huge: MatmulTile = { BM: 256, BN: 256, BK: 64, RM: 8, RN: 8 };
    expect(tileFits(huge, gpu.limits)).toBe(false);
  });
});

async function checkForwardEpilogue(s: Case, kind: 'activation' | 'residual' | 'none', act: Activation = 'gelu'): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const d = data(seed, s);
  const outShape = [...s.lead, s.OC];
  const n = d.BT * s.OC;
  const out = poisoned(gpu, 'out', outShape);
  const activated = poisoned(gpu, 'activated', outShape);
  const residual = upload(gpu, 'residual', outShape, d.other);
  const opts = kind === 'activation' ? { activation: { act, activated } } : kind === 'residual' ? { residual } : {};
  await run(gpu, [await matmulForward(gpu, defaultKernelConfig(gpu), out, upload(gpu, 'inp', [...s.lead, s.C], d.inp), upload(gpu, 'weight', [s.OC, s.C], d.weight),
    upload(gpu, 'bias', [s.OC], d.bias), opts)]);
  const pre = new Float64Array(n);
  ref.matmulForward(pre, d.inp, d.weight, d.bias, d.BT, s.C, s.OC);
  const label = `${kind}${kind === 'activation' ? ` ${act}` : ''} ${s.name}`;
  if (kind === 'residual') {
    expectClose(label, await download(gpu, out), pre.map((v, i) => v + d.other[i]), TOL, seed);
  } else {
    expectClose(label, await download(gpu, out), pre, TOL, seed);
  }
  if (kind === 'activation') {
    const e = new Float64Array(n);
    actRef[act].forward(e, pre, n);
    expectClose(`${label} activated`, await download(gpu, activated), e, TOL, seed);
    await checkGuards(gpu, activated);
  }
  await checkGuards(gpu, out);
}

async function checkActivationBackward(s: Case, act: Activation): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const d = data(seed, s);
  const inShape = [...s.lead, s.C];
  const dinp = poisoned(gpu, 'dinp', inShape);
  const dw = upload(gpu, 'dw', [s.OC, s.C], d.dw0);
  await run(gpu, await matmulBackward(gpu, defaultKernelConfig(gpu), dinp, dw, null, upload(gpu, 'dout', [...s.lead, s.OC], d.other),
    upload(gpu, 'inp', inShape, d.inp), upload(gpu, 'weight', [s.OC, s.C], d.weight),
    { activationBackward: { act, pre: upload(gpu, 'pre', inShape, d.pre) } }));
  // dinp of the product, then through the activation whose output was inp.
  const dAct = new Float64Array(d.BT * s.C);
  const eDw = Float64Array.from(d.dw0);
  ref.matmulBackward(dAct, eDw, null, d.other, d.inp, d.weight, d.BT, s.C, s.OC);
  const eDinp = new Float64Array(d.BT * s.C);
  actRef[act].backward(eDinp, d.pre, dAct, eDinp.length);
  expectClose(`activation backward ${act} ${s.name} dinp`, await download(gpu, dinp), eDinp, TOL, seed);
  expectClose(`activation backward ${act} ${s.name} dweight`, await download(gpu, dw), eDw, TOL, seed);
  await checkGuards(gpu, dinp);
}

describe('matmul epilogues', () => {
  for (const s of [TILED, ONE_ROW]) {
    for (const act of ['gelu', 'relu'] as const) {
      it(`linear + ${act}: pre-activation and activation ${s.name}`, () => checkForwardEpilogue(s, 'activation', act));
      it(`backward through ${act} fused into dinp ${s.name}`, () => checkActivationBackward(s, act));
    }
    it(`linear + residual ${s.name}`, () => checkForwardEpilogue(s, 'residual'));
  }
  it('one epilogue at a time', async () => {
    const gpu = await getTestGpu();
    const t = (shape: number[]) => poisoned(gpu, 't', shape);
    expect(() => matmulForward(gpu, defaultKernelConfig(gpu), t([2, 3]), t([2, 4]), t([3, 4]), null, { residual: t([2, 3]), activation: { act: 'gelu', activated: t([2, 3]) } }))
      .toThrow(/one epilogue/);
    await expect(matmulBackward(gpu, defaultKernelConfig(gpu), t([2, 4]), t([3, 4]), null, t([2, 3]), t([2, 4]), t([3, 4]),
      { accumulateDinp: true, activationBackward: { act: 'relu', pre: t([2, 4]) } })).rejects.toThrow(/cannot accumulate/);
  });
});

describe('matmul_rows (M ≤ ROWS_MAX)', () => {
  for (const s of [ONE_ROW, FEW_ROWS]) {
    it(`forward with bias ${s.name}`, () => checkForwardEpilogue(s, 'none'));
    it(`backward with bias, dinp accumulated ${s.name}`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const d = data(seed, s);
      const inShape = [...s.lead, s.C];
      const dinp = upload(gpu, 'dinp', inShape, d.dinp0);
      const dw = upload(gpu, 'dw', [s.OC, s.C], d.dw0);
      const db = upload(gpu, 'db', [s.OC], d.bias);
      await run(gpu, await matmulBackward(gpu, defaultKernelConfig(gpu), dinp, dw, db, upload(gpu, 'dout', [...s.lead, s.OC], d.other),
        upload(gpu, 'inp', inShape, d.inp), upload(gpu, 'weight', [s.OC, s.C], d.weight), { accumulateDinp: true }));
      const e: [string, Tensor, Float64Array][] = [['dinp', dinp, Float64Array.from(d.dinp0)], ['dweight', dw, Float64Array.from(d.dw0)],
        ['dbias', db, Float64Array.from(d.bias)]];
      ref.matmulBackward(e[0][2], e[1][2], e[2][2], d.other, d.inp, d.weight, d.BT, s.C, s.OC, { accumulateDinp: true });
      for (const [name, t, expected] of e) {
        expectClose(`matmul_rows backward ${name} ${s.name}`, await download(gpu, t), expected, TOL, seed);
        await checkGuards(gpu, t);
      }
    });
  }
});
