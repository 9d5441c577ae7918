// float64 reference for layernorm.wgsl: LayerNorm over the last dimension C of (rows, C),
// eps 1e-5, biased variance.

export const LAYERNORM_EPS = 1e-5;

export function layernormForward(
  out: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  inp: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  rows: number,
  C: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[base + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (inp[base + c] - m) ** 2;
    v /= C;
    const s = 1 / Math.sqrt(v + LAYERNORM_EPS);
    for (let c = 0; c < C; c++) out[base + c] = (inp[base + c] - m) * s * weight[c] + bias[c];
    mean[r] = m;
    rstd[r] = s;
  }
}

/**
 * dinp = the input gradient (overwritten, or added with accumulateDinp);
 * dweight += Σ_rows dout·x̂; dbias += Σ_rows dout.
 */
export function layernormBackward(
  dinp: Float64Array,
  dweight: Float64Array,
  dbias: Float64Array,
  dout: ArrayLike<number>,
  inp: ArrayLike<number>,
  weight: ArrayLike<number>,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  rows: number,
  C: number,
  opts: { accumulateDinp?: boolean } = {},
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    // x̂ = (x − mean)·rstd, g = dout·w: dL/dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < C; c++) {
      const g = dout[base + c] * weight[c];
      sg += g;
      sgx += g * (inp[base + c] - mean[r]) * rstd[r];
    }
    sg /= C;
    sgx /= C;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[base + c] - mean[r]) * rstd[r];
      const g = dout[base + c] * weight[c];
      const d = rstd[r] * (g - sg - xhat * sgx);
      dinp[base + c] = opts.accumulateDinp ? dinp[base + c] + d : d;
      dweight[c] += dout[base + c] * xhat;
      dbias[c] += dout[base + c];
    }
  }
}
