// float32 token + position embedding for the CPU engine (reference: ../ref/encoder.ts).

/**
 * The fixed sinusoidal position code (maxT, C) of "Attention is all you need", as a table:
 * PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos(t / 10000^(2i/C)).
 */
export function sinusoidalTable(maxT: number, C: number): Float32Array {
  const out = new Float32Array(maxT * C);
  for (let t = 0; t < maxT; t++) {
    for (let c = 0; c < C; c++) {
      const angle = t / Math.pow(10000, (c - (c % 2)) / C);
      out[t * C + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/** out[b,t,:] = wte[tokens[b,t],:] + pos[t,:], pos (≥T, C) being wpe or the sinusoidal table. */
export function encoderForward(out: Float32Array, tokens: Uint32Array, wte: Float32Array, pos: Float32Array,
  B: number, T: number, C: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const p = b * T + t;
      const w = tokens[p] * C;
      const e = t * C;
      const o = p * C;
      for (let c = 0; c < C; c++) out[o + c] = wte[w + c] + pos[e + c];
    }
  }
}

/**
 * dwte[tokens[p],:] += dout[p,:] for every position p in order (deterministic);
 * dwpe[t,:] += Σ_b dout[b,t,:] when positions are learned (dwpe not null).
 */
export function encoderBackward(dwte: Float32Array, dwpe: Float32Array | null, dout: Float32Array, tokens: Uint32Array,
  B: number, T: number, C: number): void {
  for (let p = 0; p < B * T; p++) {
    const w = tokens[p] * C;
    const o = p * C;
    for (let c = 0; c < C; c++) dwte[w + c] += dout[o + c];
  }
  if (!dwpe) return;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const e = t * C;
      for (let c = 0; c < C; c++) dwpe[e + c] += dout[o + c];
    }
  }
}
