// Comparing a GPU result with its float64 reference: the error of each element is
// |actual − expected| / (atol + rtol·|expected|), and the check passes when the largest is ≤ 1.
// NaN (a poisoned element the kernel never wrote) counts as an infinite error.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Comparison {
  maxError: number;
  worstIndex: number;
  actual: number;
  expected: number;
}

type Numeric = ArrayLike<number>;

export function compare(actual: Numeric, expected: Numeric, tol: Tolerance): Comparison {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: actual ${actual.length}, expected ${expected.length}`);
  }
  let maxError = 0;
  let worstIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Number.isFinite(a) || a === e ? Math.abs(a - e) / (tol.atol + tol.rtol * Math.abs(e)) : Infinity;
    const errOrInf = Number.isNaN(err) ? Infinity : err;
    if (errOrInf > maxError || worstIndex < 0) {
      maxError = errOrInf;
      worstIndex = i;
    }
  }
  return {
    maxError,
    worstIndex,
    actual: worstIndex >= 0 ? actual[worstIndex] : NaN,
    expected: worstIndex >= 0 ? expected[worstIndex] : NaN,
  };
}

/** Throws, naming the worst element, unless every element is within tolerance. */
export function expectClose(what: string, actual: Numeric, expected: Numeric, tol: Tolerance, seed?: number): Comparison {
  const c = compare(actual, expected, tol);
  if (!(c.maxError <= 1)) {
    throw new Error(
      `${what}: element ${c.worstIndex} is ${c.actual}, expected ${c.expected} ` +
        `(error ${c.maxError.toPrecision(3)}× the tolerance atol=${tol.atol}, rtol=${tol.rtol})` +
        (seed !== undefined ? `; seed ${seed}` : ''),
    );
  }
  return c;
}

/**
 * Throws, naming the worst element, unless |actual − expected| ≤ bound elementwise: for errors
 * known per element, e.g. a float32 sum's, which scales with the sum of its terms' magnitudes.
 */
export function expectWithin(what: string, actual: Numeric, expected: Numeric, bound: Numeric, seed?: number): number {
  if (actual.length !== expected.length || bound.length !== expected.length) {
    throw new Error(`${what}: lengths ${actual.length}, ${expected.length} and ${bound.length} differ`);
  }
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    const r = Number.isNaN(d) ? Infinity : d === 0 ? 0 : d / bound[i];
    if (r > worst || at < 0) {
      worst = r;
      at = i;
    }
  }
  if (!(worst <= 1)) {
    throw new Error(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (error ${worst.toPrecision(3)}× its bound ${bound[at]})` +
      (seed !== undefined ? `; seed ${seed}` : ''));
  }
  return worst;
}
