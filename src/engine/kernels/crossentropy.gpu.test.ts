import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randint, randu } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/crossentropy';
import type { Gpu } from '../gpu/device';
import { crossentropyBackward, crossentropyForward, crossentropyMean } from './crossentropy';
import { defaultKernelConfig } from '../tune/defaults';

// loss = (max − x[target]) + log Σ exp(x − max): the subtraction is exact or nearly so, the
// log and the f32 sum of ≤ V terms in [0, 1] add a few ulp of log V; 1e-5 relative to the loss
// plus 1e-6 absolute for confident rows whose loss is ~0 (measured ≤ 3% of this, V ≤ 50257).
const TOL_FORWARD = { atol: 1e-6, rtol: 1e-5 };
// Each element is (prob − [v = target])·scale, prob = exp(x − max)/Σ, scale = 1/(B·T). prob
// carries a few ulp of relative error: WGSL allows exp 3 + 2|x| ulp (x = 0 for the row's max)
// and division 2.5 ulp, and the f32 sum Σ adds about one more. Away from the target that is
// relative to the element (rtol). At the target, prob − 1 is exact given the rounded prob, so
// its error is prob's absolute error: ~6.5 ulp of a number just below 1 (2^-24 each), however
// small 1 − prob is. A confident row (1 − prob ~ 1e-3) turns that into ~1e-4 relative, which
// no rtol should absorb: hence atol = 8·2^-24·scale = 4·ulp(1)·scale.
const tolBackward = (scale: number) => ({ atol: 2 ** -21 * scale, rtol: 1e-5 });
// An f32 sum of up to 5003 positive losses: with 4 invocations each partial sum has ≤ 1251
// terms, so the worst-case relative error is ~1251·2^-24 ≈ 7e-5; random rounding makes it
// ~√1251·2^-24 ≈ 2e-6 in practice (measured < 1e-6).
const TOL_MEAN = { atol: 1e-7, rtol: 2e-5 };

// Awkward (V not a multiple of the workgroup), then rows spread over more workgroups and a
// vocabulary several workgroup strides wide. The default workgroup size on SwiftShader is 4;
// the last cases force 32 and 256, what a GPU gets (256 also has more invocations than V).
// Both row merges explicitly too: the workgroup tree, and subgroupMax/subgroupAdd (run only
// where the device has subgroups; elsewhere the request is refused, tested below).
const CASES: { B: number; T: number; V: number; workgroupSize?: number; subgroups?: boolean; seed?: number }[] = [
  { B: 3, T: 7, V: 67 },
  { B: 4, T: 33, V: 300 },
  { B: 4, T: 33, V: 1031 },
  { B: 3, T: 7, V: 67, workgroupSize: 256 },
  { B: 4, T: 33, V: 300, workgroupSize: 32 },
  { B: 2, T: 9, V: 1031, workgroupSize: 256 },
  { B: 4, T: 33, V: 300, subgroups: false },
  { B: 4, T: 33, V: 300, subgroups: true },
  // Regression: a confident target (1 − prob ≈ 9e-4) whose dlogit, −4.30005e-5 against
  // −4.30046e-5, failed the old 1e-9 absolute bound (element 399).
  { B: 3, T: 7, V: 67, seed: 2780173356 },
];

const hasSubgroups = (gpu: Gpu) => gpu.features.has('subgroups') && Boolean(gpu.adapter.subgroupMinSize);
const casesFor = (gpu: Gpu) => CASES.filter((c) => c.subgroups !== true || hasSubgroups(gpu));
const caseLabel = (c: (typeof CASES)[number]) =>
  `B${c.B} T${c.T} V${c.V} WG${c.workgroupSize ?? 'default'}${c.subgroups === undefined ? '' : c.subgroups ? ' subgroups' : ' tree'}${c.seed === undefined ? '' : ` seed ${c.seed}`}`;

/**
 * Logits of three kinds of row: moderate N(0,2)-like (a spread softmax), and ±80 around an
 * offset of +120 or −120, where exp of the raw values overflows or underflows f32, so only a
 * max-subtracted kernel survives. Targets are uniform, so many sit far below the row's max.
 */
function makeLogits(rng: Rng, rows: number, V: number): Float64Array {
  const x = new Float64Array(rows * V);
  for (let r = 0; r < rows; r++) {
    const kind = r % 3;
    for (let v = 0; v < V; v++) {
      x[r * V + v] = kind === 0 ? 2 * rng.normal() : rng.uniform(-80, 80) + (kind === 1 ? 120 : -120);
    }
  }
  return f32(x);
}

describe('cross-entropy kernels', () => {
  it('forward: losses = logsumexp − target logit', async () => {
    const gpu = await getTestGpu();
    for (const c of casesFor(gpu)) {
      const { B, T, V, workgroupSize, subgroups } = c;
      const seed = c.seed ?? testSeed();
      const rng = new Rng(seed);
      const logits = makeLogits(rng, B * T, V);
      const targets = randint(rng, B * T, V);
      const losses = poisoned(gpu, 'losses', [B, T]);
      await run(gpu, [await crossentropyForward(gpu, defaultKernelConfig(gpu), losses, upload(gpu, 'logits', [B, T, V], logits),
        upload(gpu, 'targets', [B, T], targets, 'u32'), { workgroupSize, subgroups })]);
      const expected = new Float64Array(B * T);
      ref.crossentropyForward(expected, logits, targets, B * T, V);
      expectClose(`crossentropy_forward ${caseLabel(c)}`, await download(gpu, losses), expected, TOL_FORWARD, seed);
      await checkGuards(gpu, losses);
    }
  });

  it('backward: dlogits = (softmax − onehot)·scale, overwritten', async () => {
    const gpu = await getTestGpu();
    for (const c of casesFor(gpu)) {
      const { B, T, V, workgroupSize, subgroups } = c;
      const seed = c.seed ?? testSeed();
      const rng = new Rng(seed);
      const logits = makeLogits(rng, B * T, V);
      const targets = randint(rng, B * T, V);
      const scale = 1 / (B * T);
      // Poisoned: an overwrite must write every element.
      const dlogits = poisoned(gpu, 'dlogits', [B, T, V]);
      await run(gpu, [await crossentropyBackward(gpu, defaultKernelConfig(gpu), dlogits, upload(gpu, 'logits', [B, T, V], logits),
        upload(gpu, 'targets', [B, T], targets, 'u32'), scale, { workgroupSize, subgroups })]);
      const expected = new Float64Array(B * T * V);
      ref.crossentropyBackward(expected, logits, targets, Math.fround(scale), B * T, V);
      expectClose(`crossentropy_backward ${caseLabel(c)}`, await download(gpu, dlogits), expected, tolBackward(Math.fround(scale)), seed);
      await checkGuards(gpu, dlogits);
    }
  });

  it('mean of losses of any length', async () => {
    const gpu = await getTestGpu();
    for (const [n, workgroupSize] of [[1], [21], [132], [5003], [5003, 32], [5003, 256]]) {
      const seed = testSeed();
      const losses = f32(randu(new Rng(seed), n, 0, 10));
      const out = poisoned(gpu, 'mean', [1]);
      await run(gpu, [await crossentropyMean(gpu, defaultKernelConfig(gpu), out, upload(gpu, 'losses', [n], losses), { workgroupSize })]);
      const expected = new Float64Array(1);
      ref.crossentropyMean(expected, losses, n);
      expectClose(`crossentropy_mean n=${n} WG${workgroupSize ?? 'default'}`, await download(gpu, out), expected, TOL_MEAN, seed);
      await checkGuards(gpu, out);
    }
  });

  it('merges rows with subgroups by default when the device has them; refuses them when it does not', async () => {
    const gpu = await getTestGpu();
    const t = (shape: number[], dtype?: 'u32') => poisoned(gpu, 't', shape, dtype);
    const [losses, logits, targets] = [t([2, 3]), t([2, 3, 65]), t([2, 3], 'u32')];
    const d = await crossentropyForward(gpu, defaultKernelConfig(gpu), losses, logits, targets);
    expect(d.pipeline.label.includes('(subgroups)')).toBe(hasSubgroups(gpu));
    if (!hasSubgroups(gpu)) expect(() => crossentropyForward(gpu, defaultKernelConfig(gpu), losses, logits, targets, { subgroups: true })).toThrow(/no subgroups/);
    else expect(() => crossentropyForward(gpu, defaultKernelConfig(gpu), losses, logits, targets, { subgroups: true, workgroupSize: 256 })).toThrow(/exceeds the smallest subgroup/);
  });

  it('a target outside the vocabulary gives a NaN loss, the other rows are unaffected', async () => {
    const gpu = await getTestGpu();
    const V = 5;
    const logits = [0, 1, 2, 3, 4, 0, 0, 0, 0, 0];
    const losses = poisoned(gpu, 'losses', [2]);
    await run(gpu, [await crossentropyForward(gpu, defaultKernelConfig(gpu), losses, upload(gpu, 'logits', [2, V], logits),
      upload(gpu, 'targets', [2], [V, 2], 'u32'))]);
    const got = await download(gpu, losses);
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeCloseTo(Math.log(5), 6);
  });
});
