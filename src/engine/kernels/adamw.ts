// adamw.wgsl: one AdamW step over the flat parameter buffer, gradients clipped by the scale
// gradNorm left on the GPU.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, packUniform, type Dispatch, type UniformField } from '../gpu/dispatch';
import { expectDtype, expectShape, numel, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('adamw.wgsl');
const WG = 256;

/** The per-step hyperparameters; `step` is the 1-based count of updates including this one. */
export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

export interface AdamWOptions {
  /** Elements [0, decayEnd) get weight decay: the 2-D weights are laid out first. */
  decayEnd: number;
}

export interface AdamWDispatch {
  dispatch: Dispatch;
  /** Writes this step's hyperparameters; call once per step before submitting the step. */
  setHyper(h: AdamWHyper): void;
}

/**
 * The fields of the shader's Hyper uniform, in order. The bias corrections and 1 − β are
 * computed here in float64 and rounded to f32 once (1 − 0.99 in f32 on the GPU would be
 * off by ~2e-7 relative, and β^t for large t needs float64).
 */
export function adamwHyperFields(h: AdamWHyper): UniformField[] {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`AdamW: step must be an integer ≥ 1, got ${step}`);
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
    throw new RangeError(`AdamW: betas must lie in [0, 1), got ${beta1}, ${beta2}`);
  }
  for (const [name, x] of [['lr', lr], ['eps', eps], ['weightDecay', weightDecay]] as const) {
    if (!Number.isFinite(x) || x < 0) throw new RangeError(`AdamW: ${name} must be finite and ≥ 0, got ${x}`);
  }
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  return [
    ['f32', beta1],
    ['f32', 1 - beta1],
    ['f32', beta2],
    ['f32', 1 - beta2],
    ['f32', eps],
    ['f32', lr / bc1],
    ['f32', Math.sqrt(bc2)],
    ['f32', lr * weightDecay],
  ];
}

// Before the first setHyper the update is NaN everywhere, so a trainer that forgets to call
// it fails on the first step instead of silently not learning.
const UNSET: UniformField[] = Array.from({ length: 8 }, (): UniformField => ['f32', NaN]);

/**
 * params, m, v updated in place from grads · norm[1] (PyTorch AdamW: decoupled decay on
 * elements < decayEnd). m and v start at zero; padding that is zero everywhere stays zero.
 */
export async function adamwUpdate(
  gpu: Gpu,
  params: Tensor,
  grads: Tensor,
  m: Tensor,
  v: Tensor,
  norm: Tensor,
  opts: AdamWOptions,
): Promise<AdamWDispatch> {
  const what = 'adamwUpdate';
  for (const t of [grads, m, v]) expectShape(what, t, params.shape);
  expectShape(what, norm, [2]);
  for (const t of [params, grads, m, v, norm]) expectDtype(what, t, 'f32');
  const n = numel(params.shape);
  const { decayEnd } = opts;
  if (!Number.isInteger(decayEnd) || decayEnd < 0 || decayEnd > n) {
    throw new RangeError(`${what}: decayEnd must be an integer in [0, ${n}], got ${decayEnd}`);
  }
  const dims = createUniform(gpu, 'adamw.dims', [
    ['u32', n],
    ['u32', decayEnd],
  ]);
  const hyper = createUniform(gpu, 'adamw.hyper', UNSET);
  const dispatch = await makeDispatch(gpu, 'adamw_update', { shader, entryPoint: 'adamw_update', constants: { WG } },
    [params, grads, m, v, norm, dims, hyper], grid1d(gpu, ceilDiv(n, WG)));
  return {
    dispatch,
    setHyper(h: AdamWHyper): void {
      gpu.device.queue.writeBuffer(hyper, 0, packUniform(adamwHyperFields(h), hyper.size));
    },
  };
}
