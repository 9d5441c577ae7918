import { Rng } from '../../core/rng';

/** n values ~ N(0, scale²). */
export function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

/** n values uniform in [lo, hi). */
export function randu(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** n integers uniform in [0, k). */
export function randint(rng: Rng, n: number, k: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(k);
  return out;
}

/** Rounds through float32, so the reference sees exactly the values the GPU gets. */
export function f32(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(x));
}
