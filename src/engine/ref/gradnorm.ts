// float64 reference for gradnorm.wgsl.

/** The clip scale: maxNorm / (norm + 1e-6) when 0 < maxNorm < norm, else 1. */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

/** norm[0] = ‖grads‖₂, norm[1] = clipScale(‖grads‖₂, maxNorm). */
export function gradNorm(norm: Float64Array, grads: ArrayLike<number>, maxNorm: number): void {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i] * grads[i];
  norm[0] = Math.sqrt(s);
  norm[1] = clipScale(norm[0], maxNorm);
}
