// gradnorm.wgsl: the global gradient norm and the clip scale AdamW reads from the GPU.
import { GRAD_NORM_DEFAULTS, gradNormPartialsCount } from '../../core/allocations';
import type { Gpu } from '../gpu/device';
import { createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, numel, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('gradnorm.wgsl');

/** Tuning knobs (WGSL overrides). Tests shrink them so small inputs still exercise every loop. */
export interface GradNormTuning {
  /** Invocations per workgroup; a power of two (the in-workgroup sum is a tree). Default 64. */
  workgroupSize?: number;
  /** Elements each invocation sums before the tree; more means fewer partials. Default 128. */
  perThread?: number;
}

export interface GradNormOptions {
  /** Clip the global norm to this; 0 (or less) disables clipping (the scale stays 1). */
  maxNorm: number;
  tuning?: GradNormTuning;
}

function resolveTuning(gpu: Gpu, tuning: GradNormTuning = {}): { WG: number; PER_THREAD: number } {
  const limit = Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
  // Defaults as in gradnorm.wgsl, where the choice is explained.
  const WG = tuning.workgroupSize ?? GRAD_NORM_DEFAULTS.workgroupSize;
  const PER_THREAD = tuning.perThread ?? GRAD_NORM_DEFAULTS.perThread;
  if (!Number.isInteger(WG) || WG < 1 || (WG & (WG - 1)) !== 0 || WG > limit) {
    throw new RangeError(`gradNorm: workgroupSize must be a power of two ≤ ${limit}, got ${WG}`);
  }
  if (!Number.isInteger(PER_THREAD) || PER_THREAD < 1) {
    throw new RangeError(`gradNorm: perThread must be a positive integer, got ${PER_THREAD}`);
  }
  return { WG, PER_THREAD };
}

/** Length of the `partials` scratch buffer gradNorm needs for `n` gradient elements. */
export function gradNormPartialsLength(gpu: Gpu, n: number, tuning?: GradNormTuning): number {
  const { WG, PER_THREAD } = resolveTuning(gpu, tuning);
  return gradNormPartialsCount(n, WG, PER_THREAD);
}

/**
 * norm[0] = ‖grads‖₂ and norm[1] = clip scale = maxNorm / (‖g‖ + 1e-6) when 0 < maxNorm < ‖g‖,
 * else 1. Two dispatches (per-workgroup partial sums, then one workgroup over the partials),
 * deterministic. `partials` needs gradNormPartialsLength(gpu, n) elements (more is allowed).
 */
export async function gradNorm(
  gpu: Gpu,
  norm: Tensor,
  grads: Tensor,
  partials: Tensor,
  opts: GradNormOptions,
): Promise<Dispatch[]> {
  const what = 'gradNorm';
  expectShape(what, norm, [2]);
  expectShape(what, partials, [-1]);
  for (const t of [norm, grads, partials]) expectDtype(what, t, 'f32');
  if (!Number.isFinite(opts.maxNorm)) throw new RangeError(`${what}: maxNorm must be finite, got ${opts.maxNorm}`);
  const tuning = resolveTuning(gpu, opts.tuning);
  const n = numel(grads.shape);
  const nPartials = gradNormPartialsLength(gpu, n, opts.tuning);
  if (partials.shape[0] < nPartials) {
    throw new ShapeError(`${what}: ${partials.label} holds ${partials.shape[0]} partials, ${n} gradients need ${nPartials}`);
  }
  const u = createUniform(gpu, 'gradnorm.params', [
    ['u32', n],
    ['u32', nPartials],
    ['f32', opts.maxNorm],
  ]);
  const constants = { WG: tuning.WG, PER_THREAD: tuning.PER_THREAD };
  return Promise.all([
    makeDispatch(gpu, 'gradnorm_partials', { shader, entryPoint: 'gradnorm_partials', constants },
      [null, grads, partials, u], grid1d(gpu, nPartials)),
    makeDispatch(gpu, 'gradnorm_finalize', { shader, entryPoint: 'gradnorm_finalize', constants },
      [norm, null, partials, u], [1, 1, 1]),
  ]);
}
