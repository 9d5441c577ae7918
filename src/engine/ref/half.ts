// float64 reference for half.wgsl: rounding to IEEE binary16 (round to nearest, ties to
// even), the precision an f16-stored operand keeps.

/** The binary16 value nearest to x (ties to even); ±Infinity past the largest finite half. */
export function roundHalf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  // Spacing of halves near a: 2^(e − 10) for normal a in [2^e, 2^(e+1)), 2^−24 below 2^−14.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  let q = 2 ** (e - 10);
  // log2 can be off by one at exact powers of two: keep a in [2^e, 2^(e+1)) for normals.
  if (a >= 2 ** (e + 1)) q *= 2;
  else if (e > -14 && a < 2 ** e) q /= 2;
  const n = a / q;
  let r = Math.round(n);
  if (Math.abs(n - Math.trunc(n) - 0.5) < 1e-12 && r % 2 !== 0) r -= 1; // ties to even
  const v = r * q;
  return Math.sign(x) * (v > 65504 ? Infinity : v);
}

/** Unit roundoff of binary16: |roundHalf(x) − x| ≤ HALF_EPS·|x| for normal halves. */
export const HALF_EPS = 2 ** -11;
