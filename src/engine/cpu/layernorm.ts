// float32 LayerNorm over the last dimension C of (rows, C) for the CPU engine, eps 1e-5,
// biased variance (reference: ../ref/layernorm.ts). Row statistics are taken in float64 locals.

const EPS = 1e-5;

export function layernormForward(out: Float32Array, mean: Float32Array, rstd: Float32Array, inp: Float32Array,
  weight: Float32Array, bias: Float32Array, rows: number, C: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[base + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[base + c] - m;
      v += d * d;
    }
    const s = 1 / Math.sqrt(v / C + EPS);
    for (let c = 0; c < C; c++) out[base + c] = (inp[base + c] - m) * s * weight[c] + bias[c];
    mean[r] = m;
    rstd[r] = s;
  }
}

/** Per-column sums of the backward, in float64 across rows; reused between calls. */
export class LayernormScratch {
  dw = new Float64Array(0);
  db = new Float64Array(0);

  reset(C: number): void {
    if (this.dw.length < C) {
      this.dw = new Float64Array(C);
      this.db = new Float64Array(C);
    } else {
      this.dw.fill(0, 0, C);
      this.db.fill(0, 0, C);
    }
  }
}

/**
 * dinp = the input gradient (overwritten, or added with accumulateDinp); dweight += Σ_rows dout·x̂;
 * dbias += Σ_rows dout. `dinp` may be `dout` itself when not accumulating.
 */
export function layernormBackward(dinp: Float32Array, dweight: Float32Array, dbias: Float32Array, dout: Float32Array,
  inp: Float32Array, weight: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, C: number,
  scratch: LayernormScratch, opts: { accumulateDinp?: boolean } = {}): void {
  scratch.reset(C);
  const { dw, db } = scratch;
  const acc = opts.accumulateDinp === true;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const m = mean[r];
    const s = rstd[r];
    // x̂ = (x − mean)·rstd, g = dout·w: dL/dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < C; c++) {
      const d = dout[base + c];
      const xhat = (inp[base + c] - m) * s;
      const g = d * weight[c];
      sg += g;
      sgx += g * xhat;
      dw[c] += d * xhat;
      db[c] += d;
    }
    sg /= C;
    sgx /= C;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[base + c] - m) * s;
      const d = s * (dout[base + c] * weight[c] - sg - xhat * sgx);
      dinp[base + c] = acc ? dinp[base + c] + d : d;
    }
  }
  for (let c = 0; c < C; c++) {
    dweight[c] += dw[c];
    dbias[c] += db[c];
  }
}
