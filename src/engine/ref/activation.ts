// float64 reference for activation.wgsl: GELU (GPT-2's tanh form) and ReLU.

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

export function geluForward(out: Float64Array, inp: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBIC * x * x * x)));
  }
}

/** dinp = gelu'(x)·dout, overwritten. */
export function geluBackward(dinp: Float64Array, inp: ArrayLike<number>, dout: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    const t = Math.tanh(GELU_SCALE * (x + GELU_CUBIC * x * x * x));
    const du = GELU_SCALE * (1 + 3 * GELU_CUBIC * x * x);
    dinp[i] = (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du) * dout[i];
  }
}

export function reluForward(out: Float64Array, inp: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(inp[i], 0);
}

/** dinp = dout where x > 0, else 0 (the derivative at 0 is taken as 0), overwritten. */
export function reluBackward(dinp: Float64Array, inp: ArrayLike<number>, dout: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) dinp[i] = inp[i] > 0 ? dout[i] : 0;
}
