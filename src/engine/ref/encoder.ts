// float64 reference for encoder.wgsl: token + position embedding and its backward.
import type { EncoderOptions } from '../kernels/encoder';

export type { EncoderOptions, PositionEncoding } from '../kernels/encoder';

/**
 * The fixed sinusoidal position code of "Attention is all you need":
 * PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos(t / 10000^(2i/C)).
 */
export function sinusoidalPosition(t: number, c: number, C: number): number {
  const pair = c - (c % 2);
  const angle = t / Math.pow(10000, pair / C);
  return c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

/** out[b,t,:] = wte[tokens[b,t],:] + PE[t,:]; wpe (maxT, C) for learned positions, null for sinusoidal. */
export function encoderForward(
  out: Float64Array,
  tokens: ArrayLike<number>,
  wte: ArrayLike<number>,
  wpe: ArrayLike<number> | null,
  B: number,
  T: number,
  C: number,
  opts: EncoderOptions,
): void {
  const learned = opts.positions === 'learned';
  if (learned && !wpe) throw new Error('encoderForward: learned positions need wpe');
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const p = b * T + t;
      const tok = tokens[p];
      for (let c = 0; c < C; c++) {
        const pe = learned ? wpe![t * C + c] : sinusoidalPosition(t, c, C);
        out[p * C + c] = wte[tok * C + c] + pe;
      }
    }
  }
}

/**
 * dwte[v,:] += Σ_{p in bucket v} dout[p,:]; dwpe[t,:] += Σ_b dout[b,t,:] (learned only).
 * The buckets come from buildTokenBuckets: offsets (V+1), positions (B·T).
 */
export function encoderBackward(
  dwte: Float64Array,
  dwpe: Float64Array | null,
  dout: ArrayLike<number>,
  bucketOffsets: ArrayLike<number>,
  bucketPositions: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
  V: number,
  opts: EncoderOptions,
): void {
  for (let v = 0; v < V; v++) {
    for (let k = bucketOffsets[v]; k < bucketOffsets[v + 1]; k++) {
      const p = bucketPositions[k];
      for (let c = 0; c < C; c++) dwte[v * C + c] += dout[p * C + c];
    }
  }
  if (opts.positions !== 'learned') return;
  if (!dwpe) throw new Error('encoderBackward: learned positions need dwpe');
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) dwpe[t * C + c] += dout[(b * T + t) * C + c];
    }
  }
}
