// float64 reference for matmul.wgsl and matmul_plain.wgsl: a linear layer y = x·Wᵀ + b with
// W of shape (OC, C) as in PyTorch's nn.Linear, x of BT rows of C.

/** out (BT, OC) = inp (BT, C) · weightᵀ + bias. */
export function matmulForward(
  out: Float64Array,
  inp: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  BT: number,
  C: number,
  OC: number,
): void {
  for (let r = 0; r < BT; r++) {
    for (let o = 0; o < OC; o++) {
      let s = bias ? bias[o] : 0;
      for (let c = 0; c < C; c++) s += inp[r * C + c] * weight[o * C + c];
      out[r * OC + o] = s;
    }
  }
}

export interface MatmulBackwardOptions {
  /** Add into dinp instead of overwriting it (when another branch already wrote it). */
  accumulateDinp?: boolean;
}

/**
 * dinp = dout · weight (or += with accumulateDinp); dweight += doutᵀ · inp; dbias += Σ_rows dout.
 * Parameter gradients accumulate because zero-grad is one clear per step.
 */
export function matmulBackward(
  dinp: Float64Array,
  dweight: Float64Array,
  dbias: Float64Array | null,
  dout: ArrayLike<number>,
  inp: ArrayLike<number>,
  weight: ArrayLike<number>,
  BT: number,
  C: number,
  OC: number,
  opts: MatmulBackwardOptions = {},
): void {
  for (let r = 0; r < BT; r++) {
    for (let c = 0; c < C; c++) {
      let s = opts.accumulateDinp ? dinp[r * C + c] : 0;
      for (let o = 0; o < OC; o++) s += dout[r * OC + o] * weight[o * C + c];
      dinp[r * C + c] = s;
    }
  }
  for (let o = 0; o < OC; o++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let r = 0; r < BT; r++) s += dout[r * OC + o] * inp[r * C + c];
      dweight[o * C + c] += s;
    }
  }
  if (dbias) {
    for (let o = 0; o < OC; o++) {
      let s = 0;
      for (let r = 0; r < BT; r++) s += dout[r * OC + o];
      dbias[o] += s;
    }
  }
}
