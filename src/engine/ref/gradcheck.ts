// Finite-difference gradient checks for the float64 reference: every reference backward is
// verified against central differences of its forward.

/**
 * Central-difference gradient of the scalar f with respect to x (perturbed in place and
 * restored). `indices` limits the check to some elements when x is large.
 */
export function numericalGrad(
  f: () => number,
  x: Float64Array,
  eps = 1e-6,
  indices?: ArrayLike<number>,
): Float64Array {
  const grad = new Float64Array(x.length).fill(NaN);
  const idx = indices ?? Array.from({ length: x.length }, (_, i) => i);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const orig = x[i];
    x[i] = orig + eps;
    const fp = f();
    x[i] = orig - eps;
    const fm = f();
    x[i] = orig;
    grad[i] = (fp - fm) / (2 * eps);
  }
  return grad;
}

/** Σ a·b, the scalar whose gradient with respect to `a` is `b`: turns dout into a loss. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
