import { describe, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/residual';
import { residualAccumulate, residualForward } from './residual';

// Exact in float32: a single addition rounds identically on both sides.
const TOL = { atol: 1e-6, rtol: 1e-6 };

describe('residual kernels', () => {
  it('forward out = a + b on an awkward size', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const rng = new Rng(seed);
    const shape = [3, 7, 20];
    const n = 3 * 7 * 20;
    const a = f32(randn(rng, n));
    const b = f32(randn(rng, n));
    const out = poisoned(gpu, 'out', shape);
    await run(gpu, [await residualForward(gpu, out, upload(gpu, 'a', shape, a), upload(gpu, 'b', shape, b))]);
    const expected = new Float64Array(n);
    ref.residualForward(expected, a, b, n);
    expectClose('residual_forward', await download(gpu, out), expected, TOL, seed);
    await checkGuards(gpu, out);
  });

  it('accumulate x += y', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const rng = new Rng(seed);
    const n = 517;
    const x0 = f32(randn(rng, n));
    const y = f32(randn(rng, n));
    const x = upload(gpu, 'x', [n], x0);
    await run(gpu, [await residualAccumulate(gpu, x, upload(gpu, 'y', [n], y))]);
    const expected = Float64Array.from(x0);
    ref.residualAccumulate(expected, y, n);
    expectClose('residual_accumulate', await download(gpu, x), expected, TOL, seed);
    await checkGuards(gpu, x);
  });
});
