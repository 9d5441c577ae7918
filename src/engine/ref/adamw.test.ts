// The optimizer references have no backward to gradcheck; they are checked instead against a
// direct transcription of PyTorch (clip_grad_norm_ then torch.optim.AdamW with nanoGPT's two
// parameter groups), and the clip scale against hand-computed cases.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randn } from '../testing/random';
import { compare } from '../testing/compare';
import { adamwHyperFields, type AdamWHyper } from '../kernels/adamw';
import { adamwUpdate } from './adamw';
import { clipScale, gradNorm } from './gradnorm';

/** One parameter group's state, as torch keeps it: param, grad, exp_avg, exp_avg_sq. */
interface TorchGroup {
  params: Float64Array[];
  grads: Float64Array[];
  expAvg: Float64Array[];
  expAvgSq: Float64Array[];
  weightDecay: number;
}

// torch.nn.utils.clip_grad_norm_(params, max_norm): total norm over every tensor, coefficient
// clamped to 1, grads scaled in place.
function torchClipGradNorm(groups: TorchGroup[], maxNorm: number): number {
  let sq = 0;
  for (const grp of groups) for (const g of grp.grads) for (const x of g) sq += x * x;
  const total = Math.sqrt(sq);
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const grp of groups) for (const g of grp.grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

// torch/optim/adamw.py, _single_tensor_adamw, in its own order of operations.
function torchAdamWStep(groups: TorchGroup[], lr: number, beta1: number, beta2: number, eps: number, step: number): void {
  for (const grp of groups) {
    grp.params.forEach((param, k) => {
      const grad = grp.grads[k];
      const expAvg = grp.expAvg[k];
      const expAvgSq = grp.expAvgSq[k];
      for (let i = 0; i < param.length; i++) param[i] *= 1 - lr * grp.weightDecay;
      for (let i = 0; i < param.length; i++) expAvg[i] += (grad[i] - expAvg[i]) * (1 - beta1); // lerp_
      for (let i = 0; i < param.length; i++) expAvgSq[i] = expAvgSq[i] * beta2 + (1 - beta2) * grad[i] * grad[i];
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      for (let i = 0; i < param.length; i++) {
        const denom = Math.sqrt(expAvgSq[i]) / biasCorrection2Sqrt + eps;
        param[i] += -stepSize * (expAvg[i] / denom);
      }
    });
  }
}

const EXACT = { atol: 1e-12, rtol: 1e-10 };

describe('reference AdamW', () => {
  it('matches PyTorch clip_grad_norm_ + AdamW over several steps, with two param groups', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    // Flat layout as the engine builds it: decayed 2-D weights first, each tensor followed by
    // zero padding up to a multiple of 64 floats (256 bytes).
    const decaySizes = [5 * 7, 3 * 11];
    const plainSizes = [7, 11, 3];
    const sizes = [...decaySizes, ...plainSizes];
    const offsets: number[] = [];
    let n = 0;
    for (const s of sizes) {
      offsets.push(n);
      n = Math.ceil((n + s) / 64) * 64;
    }
    const decayEnd = offsets[decaySizes.length - 1] + decaySizes[decaySizes.length - 1];
    const view = (buf: Float64Array, k: number) => buf.subarray(offsets[k], offsets[k] + sizes[k]);

    const params = new Float64Array(n);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    sizes.forEach((_, k) => view(params, k).set(randn(rng, sizes[k])));
    const torch: TorchGroup[] = [
      { idx: decaySizes.map((_, k) => k), weightDecay: 0.1 },
      { idx: plainSizes.map((_, k) => decaySizes.length + k), weightDecay: 0 },
    ].map(({ idx, weightDecay }) => ({
      params: idx.map((k) => Float64Array.from(view(params, k))),
      grads: idx.map((k) => new Float64Array(sizes[k])),
      expAvg: idx.map((k) => new Float64Array(sizes[k])),
      expAvgSq: idx.map((k) => new Float64Array(sizes[k])),
      weightDecay,
    }));
    const flatOrder = torch.flatMap((grp) => grp.params.map((_, j) => [grp, j] as const));

    const maxNorm = 1;
    const beta1 = 0.9;
    const beta2 = 0.99;
    const eps = 1e-8;
    for (let step = 1; step <= 6; step++) {
      const lr = 1e-2 * (1 - step / 10); // a decaying schedule: lr differs every step
      // Odd steps clip (norm ≈ 3), even ones do not (norm ≈ 0.3).
      const sigma = (step % 2 ? 3 : 0.3) / Math.sqrt(sizes.reduce((a, b) => a + b));
      const grads = new Float64Array(n);
      flatOrder.forEach(([grp, j], k) => {
        const g = randn(rng, sizes[k], sigma);
        grp.grads[j].set(g);
        view(grads, k).set(g);
      });

      const norm = new Float64Array(2);
      gradNorm(norm, grads, maxNorm);
      expect(norm[1] < 1, `seed ${seed}: step ${step} clipping`).toBe(step % 2 === 1);
      const hyper: AdamWHyper = { lr, beta1, beta2, eps, weightDecay: 0.1, step };
      adamwUpdate(params, grads, m, v, norm[1], hyper, decayEnd);

      const total = torchClipGradNorm(torch, maxNorm);
      expect(Math.abs(total - norm[0]), `seed ${seed}`).toBeLessThan(1e-12);
      torchAdamWStep(torch, lr, beta1, beta2, eps, step);
      flatOrder.forEach(([grp, j], k) => {
        for (const [ours, theirs, name] of [
          [params, grp.params[j], 'param'],
          [m, grp.expAvg[j], 'exp_avg'],
          [v, grp.expAvgSq[j], 'exp_avg_sq'],
        ] as const) {
          const c = compare(view(ours, k), theirs, EXACT);
          expect(c.maxError, `seed ${seed}: step ${step} tensor ${k} ${name}`).toBeLessThanOrEqual(1);
        }
      });
      // The padding between tensors never moves.
      const inTensor = new Uint8Array(n);
      sizes.forEach((s, k) => inTensor.fill(1, offsets[k], offsets[k] + s));
      for (let i = 0; i < n; i++) {
        if (!inTensor[i]) expect(params[i] === 0 && m[i] === 0 && v[i] === 0, `padding ${i}`).toBe(true);
      }
    }
  });

  it('decays only below decayEnd', () => {
    const params = Float64Array.of(1, 1, 1, 1);
    adamwUpdate(params, new Float64Array(4), new Float64Array(4), new Float64Array(4), 1,
      { lr: 0.5, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 1 }, 3);
    [0.95, 0.95, 0.95, 1].forEach((x, i) => expect(params[i]).toBeCloseTo(x, 15));
  });
});

describe('reference gradNorm clip scale', () => {
  const norm = new Float64Array(2);
  it('leaves gradients below maxNorm alone', () => {
    gradNorm(norm, [3, 4], 6);
    expect(Array.from(norm)).toEqual([5, 1]);
  });
  it('scales gradients above maxNorm to just under it', () => {
    gradNorm(norm, [3, 4], 2);
    expect(norm[0]).toBe(5);
    expect(norm[1]).toBeCloseTo(2 / (5 + 1e-6), 15);
    expect(norm[0] * norm[1]).toBeLessThan(2);
  });
  it('treats maxNorm = 0 as no clipping', () => {
    gradNorm(norm, [300, 400], 0);
    expect(Array.from(norm)).toEqual([500, 1]);
  });
  it('does not clip a norm exactly at maxNorm', () => {
    expect(clipScale(5, 5)).toBe(1);
  });
});

describe('adamwHyperFields', () => {
  const base: AdamWHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 1 };
  it('folds the float64 bias corrections into the step size', () => {
    const at = (step: number) => adamwHyperFields({ ...base, step }).map(([, x]) => x);
    const [b1, omb1, b2, omb2, eps, stepSize, bc2Sqrt, lrDecay] = at(1);
    expect([b1, b2, eps]).toEqual([0.9, 0.99, 1e-8]);
    expect(omb1).toBeCloseTo(0.1, 15);
    expect(omb2).toBeCloseTo(0.01, 15);
    expect(stepSize).toBeCloseTo(1e-3 / 0.1, 15);
    expect(bc2Sqrt).toBeCloseTo(0.1, 15);
    expect(lrDecay).toBeCloseTo(1e-4, 18);
    // Late in training the corrections vanish: step size → lr, √bc2 → 1.
    const late = at(100_000);
    expect(late[5]).toBe(1e-3);
    expect(late[6]).toBe(1);
  });
  it('rejects a step before the first', () => {
    expect(() => adamwHyperFields({ ...base, step: 0 })).toThrow(RangeError);
    expect(() => adamwHyperFields({ ...base, step: 1.5 })).toThrow(RangeError);
    expect(() => adamwHyperFields({ ...base, beta2: 1 })).toThrow(RangeError);
  });
});
