// float32 GELU (GPT-2's tanh form) and ReLU for the CPU engine (reference: ../ref/activation.ts).
// GELU is written through the logistic function, 0.5·x·(1 + tanh u) = x·σ(2u), because
// Math.exp is cheaper than Math.tanh; the forward keeps σ(2u) so that the backward needs no
// transcendental at all.

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

export type Activation = 'gelu' | 'relu';

/** out = act(inp) over n elements; for GELU, sig (n) receives σ(2u) for the backward. */
export function activationForward(kind: Activation, out: Float32Array, sig: Float32Array, inp: Float32Array, n: number): void {
  if (kind === 'relu') {
    for (let i = 0; i < n; i++) {
      const x = inp[i];
      out[i] = x > 0 ? x : 0;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    // σ(2u) = 1 / (1 + e^(−2u)); e^(−2u) overflows to ∞ for very negative x, giving x·0 = −0
    const s = 1 / (1 + Math.exp(-2 * GELU_SCALE * (x + GELU_CUBIC * x * x * x)));
    sig[i] = s;
    out[i] = x * s;
  }
}

/**
 * dinp = act'(inp)·dout, overwritten (ReLU's derivative at 0 taken as 0). For GELU with
 * s = σ(2u) from the forward: d/dx x·σ(2u) = s + 2x·s(1 − s)·u′.
 */
export function activationBackward(kind: Activation, dinp: Float32Array, inp: Float32Array, sig: Float32Array, dout: Float32Array, n: number): void {
  if (kind === 'relu') {
    for (let i = 0; i < n; i++) dinp[i] = inp[i] > 0 ? dout[i] : 0;
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    const s = sig[i];
    const du = GELU_SCALE * (1 + 3 * GELU_CUBIC * x * x);
    dinp[i] = (s + 2 * x * s * (1 - s) * du) * dout[i];
  }
}
