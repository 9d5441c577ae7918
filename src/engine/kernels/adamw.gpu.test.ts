import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn, randu } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload, write } from '../testing/gpu';
import * as refAdamw from '../ref/adamw';
import * as refNorm from '../ref/gradnorm';
import { adamwUpdate, type AdamWHyper } from './adamw';
import { gradNorm, gradNormPartialsLength } from './gradnorm';

// Gradients here are O(1) per element (maxNorm is set per element-count), so m, v and params
// are O(0.01..1) and fixed absolute tolerances make sense.
// m, v: each step rounds a two-term update in f32 (a few ulps, ~3e-7 relative) and the β
// constants to f32; over 5 steps that stays under ~2e-6 relative, with cancellation in m
// covered by atol. Any real mistake (scale, decay in the gradient) moves m by ≥ 1e-3.
const M_TOL = { atol: 1e-6, rtol: 1e-5 };
const V_TOL = { atol: 1e-7, rtol: 1e-5 };
// params: O(1) values rounded to f32 once per step (6e-8 each), plus lr · (a few ulps of an
// O(1) ratio); 5 steps stay under 1e-6. A missing bias correction or a decay applied to the
// wrong elements moves them by ≥ 1e-4.
const P_TOL = { atol: 1e-6, rtol: 1e-6 };
// As in gradnorm.gpu.test.ts: sums of f32 squares.
const NORM_TOL = { atol: 0, rtol: 1e-5 };

interface Session {
  n: number;
  decayEnd: number;
  /** [start, end) ranges of zero padding between tensors. */
  padding: [number, number][];
  /** Step count before the first update: 0 for a fresh run, > 0 for a resumed one with nonzero m, v. */
  startStep: number;
}

const STEPS = 5;

async function runSession({ n, decayEnd, padding, startStep }: Session): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const rng = new Rng(seed);
  const isPad = new Uint8Array(n);
  for (const [a, b] of padding) isPad.fill(1, a, b);
  const unpad = (x: Float64Array) => x.map((e, i) => (isPad[i] ? 0 : e));

  const p = unpad(f32(randn(rng, n)));
  const m = startStep ? unpad(f32(randn(rng, n, 0.3))) : new Float64Array(n);
  const v = startStep ? unpad(f32(randu(rng, n, 0.01, 1))) : new Float64Array(n);
  const paramsT = upload(gpu, 'params', [n], p);
  const mT = upload(gpu, 'm', [n], m);
  const vT = upload(gpu, 'v', [n], v);
  const gradsT = upload(gpu, 'grads', [n], new Float64Array(n));
  const normT = poisoned(gpu, 'norm', [2]);
  const partialsT = poisoned(gpu, 'partials', [gradNormPartialsLength(gpu, n)]);

  // Clip at an RMS of 1 per element, so gradients drawn with σ = 3 are clipped, σ = 0.3 not.
  const maxNorm = Math.sqrt(n);
  const norm = await gradNorm(gpu, normT, gradsT, partialsT, { maxNorm });
  const adamw = await adamwUpdate(gpu, paramsT, gradsT, mT, vT, normT, { decayEnd });
  const clipped = [true, false, true, true, false];

  for (let k = 0; k < STEPS; k++) {
    const what = `adamw n=${n} step ${startStep + k + 1}`;
    const g = unpad(f32(randn(rng, n, clipped[k] ? 3 : 0.3)));
    const hyper: AdamWHyper = {
      lr: 1e-2 * (1 - 0.15 * k), // a schedule: the uniform must really change every step
      beta1: 0.9,
      beta2: 0.99,
      eps: 1e-8,
      weightDecay: 0.1,
      step: startStep + k + 1,
    };
    write(gpu, gradsT, g);
    adamw.setHyper(hyper);
    await run(gpu, [...norm, adamw.dispatch]);

    const gotNorm = await download(gpu, normT);
    const wantNorm = new Float64Array(2);
    refNorm.gradNorm(wantNorm, g, maxNorm);
    expectClose(`${what} norm`, gotNorm, wantNorm, NORM_TOL, seed);
    expect(gotNorm[1] < 1, `${what}: clipping; seed ${seed}`).toBe(clipped[k]);

    // The reference carries its own float64 state; it takes the GPU's f32 scale as an input
    // so that these checks test AdamW, not the reduction again.
    refAdamw.adamwUpdate(p, g, m, v, gotNorm[1], hyper, decayEnd);
    const [gp, gm, gv] = await Promise.all([download(gpu, paramsT), download(gpu, mT), download(gpu, vT)]);
    expectClose(`${what} m`, gm, m, M_TOL, seed);
    expectClose(`${what} v`, gv, v, V_TOL, seed);
    expectClose(`${what} params`, gp, p, P_TOL, seed);
    for (let i = 0; i < n; i++) {
      if (isPad[i] && (gp[i] !== 0 || gm[i] !== 0 || gv[i] !== 0)) {
        throw new Error(`${what}: padding element ${i} became ${gp[i]}, m ${gm[i]}, v ${gv[i]}; seed ${seed}`);
      }
    }
  }
  for (const t of [paramsT, mT, vT, normT, partialsT]) await checkGuards(gpu, t);
}

describe('adamw kernel', () => {
  it('5 fresh steps, n = 1037, decayEnd = 517 (odd), padding on both sides of it', async () => {
    await runSession({ n: 1037, decayEnd: 517, padding: [[300, 320], [517, 576], [1000, 1024]], startStep: 0 });
  });

  it('5 resumed steps from nonzero m, v, n = 70001 over many workgroups and partials', async () => {
    await runSession({
      n: 70001,
      decayEnd: 40001,
      padding: [[12345, 12352], [40001, 40064], [69990, 70001]],
      startStep: 10,
    });
  });

  it('before setHyper, the update poisons params instead of silently doing nothing', async () => {
    const gpu = await getTestGpu();
    const n = 5;
    const params = upload(gpu, 'params', [n], [1, 2, 3, 4, 5]);
    const zeros = () => upload(gpu, 'z', [n], new Float64Array(n));
    const norm = upload(gpu, 'norm', [2], [0, 1]);
    const adamw = await adamwUpdate(gpu, params, zeros(), zeros(), zeros(), norm, { decayEnd: 2 });
    await run(gpu, [adamw.dispatch]);
    expect(Array.from(await download(gpu, params)).every(Number.isNaN)).toBe(true);
    expect(() => adamw.setHyper({ lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 0 })).toThrow(RangeError);
  });
});
