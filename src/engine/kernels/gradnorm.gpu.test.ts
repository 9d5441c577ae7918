import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/gradnorm';
import { gradNorm, gradNormPartialsLength, type GradNormTuning } from './gradnorm';

// Relative: Σg² of f32 squares, summed in f32 as runs of ≤ 128 terms, a 64-wide tree and a short
// run over partials, has a worst-case relative error of about (128 + 6 + P/64 + 6)·6e-8 ≈ 9e-6,
// half that after the √ (random rounding errors typically give < 1e-6). A lost chunk costs
// ≥ 8e-4 at these sizes. atol 0: the unclipped scale must be exactly 1.
const NORM_TOL = { atol: 0, rtol: 1e-5 };

async function checkNorm(n: number, maxNorms: number[], tuning?: GradNormTuning): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const rng = new Rng(seed);
  const g = f32(randn(rng, n));
  const grads = upload(gpu, 'grads', [n], g);
  const nPartials = gradNormPartialsLength(gpu, n, tuning);
  const expected = new Float64Array(2);
  ref.gradNorm(expected, g, 1);
  for (const frac of maxNorms) {
    // maxNorm as a fraction of the true norm, so each case is clearly clipped or not.
    const maxNorm = frac * expected[0];
    const norm = poisoned(gpu, 'norm', [2]);
    const partials = poisoned(gpu, 'partials', [nPartials]);
    await run(gpu, await gradNorm(gpu, norm, grads, partials, { maxNorm, tuning }));
    const want = new Float64Array(2);
    ref.gradNorm(want, g, maxNorm);
    const got = await download(gpu, norm);
    expectClose(`gradnorm n=${n} P=${nPartials} maxNorm=${frac}·‖g‖`, got, want, NORM_TOL, seed);
    expect(got[1] < 1, `clipping with maxNorm=${frac}·‖g‖; seed ${seed}`).toBe(frac > 0 && frac < 1);
    await checkGuards(gpu, norm);
    await checkGuards(gpu, partials);
  }
}

describe('gradnorm kernels', () => {
  it('n = 1037: one partial; clipped, unclipped and maxNorm = 0', async () => {
    await checkNorm(1037, [0.5, 2, 0]);
  });

  it('n = 70001: 9 workgroups, the last one partial', async () => {
    await checkNorm(70001, [0.25, 3]);
  });

  it('small tuning: more partials than the finishing workgroup has invocations', async () => {
    // 32 × 3 = 96 elements per partial: 730 partials, so stage 2 loops 23 times per
    // invocation and its last pass is ragged (730 = 22·32 + 26); 3 is not a power of two on purpose.
    const tuning = { workgroupSize: 32, perThread: 3 };
    const gpu = await getTestGpu();
    expect(gradNormPartialsLength(gpu, 70001, tuning)).toBe(730);
    await checkNorm(70001, [0.5, 4], tuning);
  });

  it('is deterministic: the same gradients give the same bits', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const n = 50_003;
    const grads = upload(gpu, 'grads', [n], f32(randn(new Rng(seed), n)));
    const partials = poisoned(gpu, 'partials', [gradNormPartialsLength(gpu, n)]);
    const norm = poisoned(gpu, 'norm', [2]);
    const dispatches = await gradNorm(gpu, norm, grads, partials, { maxNorm: 1 });
    await run(gpu, dispatches);
    const first = await download(gpu, norm);
    await run(gpu, dispatches);
    expect(Array.from(await download(gpu, norm)), `seed ${seed}`).toEqual(Array.from(first));
  });
});
