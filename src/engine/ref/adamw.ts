// float64 reference for adamw.wgsl, written as the update formula reads (the shader folds
// the bias corrections into its constants; this one does not, so the two are independent).
import type { AdamWHyper } from '../kernels/adamw';

export type { AdamWHyper };

/**
 * One AdamW step in place on params, m, v. `scale` is the clip scale (gradNorm's norm[1]);
 * elements with index < decayEnd get decoupled weight decay. On float32 arrays (the CPU engine's)
 * the formula runs in float64 and each result is rounded once, as it is stored.
 */
export function adamwUpdate(
  params: Float64Array | Float32Array,
  grads: ArrayLike<number>,
  m: Float64Array | Float32Array,
  v: Float64Array | Float32Array,
  scale: number,
  hyper: AdamWHyper,
  decayEnd: number,
): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = hyper;
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] * scale;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    const mHat = m[i] / bc1;
    const vHat = v[i] / bc2;
    const wd = i < decayEnd ? weightDecay : 0;
    params[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + wd * params[i]);
  }
}
