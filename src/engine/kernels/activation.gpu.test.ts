import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn, randu } from '../testing/random';
import { expectClose, type Tolerance } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import { ShapeError } from '../gpu/errors';
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import * as ref from '../ref/activation';
import { geluBackward, geluForward, reluBackward, reluForward } from './activation';

// gelu: one or two exp and a handful of float32 operations, relative error a few ulps
// (≤ 1.6e-7 seen over 90 runs), also in the tails, which the logistic form keeps accurate;
// 1e-6 leaves room for a less exact exp while a typo such as 0.0447 for 0.044715 (up to 5e-6
// relative) still fails.
const TOL_GELU: Tolerance = { atol: 1e-6, rtol: 1e-6 };
// relu: a max or a select, no rounding at all (the atol only avoids 0/0 on exact zeros).
const TOL_RELU: Tolerance = { atol: 1e-30, rtol: 0 };

/** Ordinary values, saturating ones up to |x| = 30 and the edges: 0, −0, ±30. */
function inputs(rng: Rng, n: number): Float64Array {
  const x = randn(rng, n, 2);
  const wide = randu(rng, n, -30, 30);
  for (let i = 0; i < n; i += 3) x[i] = wide[i];
  [0, -0, 30, -30, 13.5, -13.5].forEach((v, k) => (x[(k * 37) % n] = v));
  return f32(x);
}

type Fwd = (gpu: Gpu, out: Tensor, inp: Tensor) => Promise<Dispatch>;
type Bwd = (gpu: Gpu, dinp: Tensor, inp: Tensor, dout: Tensor) => Promise<Dispatch>;
type RefFwd = (out: Float64Array, inp: ArrayLike<number>, n: number) => void;
type RefBwd = (dinp: Float64Array, inp: ArrayLike<number>, dout: ArrayLike<number>, n: number) => void;

async function check(name: string, shape: number[], fwd: Fwd, bwd: Bwd, refFwd: RefFwd, refBwd: RefBwd, tol: Tolerance) {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = inputs(rng, n);
  const dout = f32(randn(rng, n));
  const inp = upload(gpu, 'inp', shape, x);
  const out = poisoned(gpu, 'out', shape);
  const dinp = poisoned(gpu, 'dinp', shape);
  await run(gpu, [await fwd(gpu, out, inp), await bwd(gpu, dinp, inp, upload(gpu, 'dout', shape, dout))]);
  const eOut = new Float64Array(n);
  const eDinp = new Float64Array(n);
  refFwd(eOut, x, n);
  refBwd(eDinp, x, dout, n);
  const at = shape.join('x');
  expectClose(`${name}_forward ${at}`, await download(gpu, out), eOut, tol, seed);
  expectClose(`${name}_backward ${at}`, await download(gpu, dinp), eDinp, tol, seed);
  await checkGuards(gpu, out);
  await checkGuards(gpu, dinp);
}

// 420 elements: not a multiple of the workgroup; 1001 = 7·11·13 spans four workgroups.
const SHAPES = [[3, 7, 20], [7, 11, 13]];

describe('activation kernels', () => {
  for (const shape of SHAPES) {
    it(`gelu forward and backward, |x| up to 30 (${shape.join(', ')})`, () =>
      check('gelu', shape, geluForward, geluBackward, ref.geluForward, ref.geluBackward, TOL_GELU));
    it(`relu forward and backward (${shape.join(', ')})`, () =>
      check('relu', shape, reluForward, reluBackward, ref.reluForward, ref.reluBackward, TOL_RELU));
  }

  it('rejects mismatched shapes', async () => {
    const gpu = await getTestGpu();
    const a = poisoned(gpu, 'a', [3, 4]);
    expect(() => geluForward(gpu, a, poisoned(gpu, 'b', [4, 3]))).toThrow(ShapeError);
    expect(() => reluBackward(gpu, a, a, poisoned(gpu, 'd', [12]))).toThrow(ShapeError);
  });
});
