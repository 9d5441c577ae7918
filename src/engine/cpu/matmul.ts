// float32 linear layers for the CPU engine (reference: ../ref/matmul.ts). Every product is one
// kernel, out (M, N) = A (M, K) · Bᵀ with B stored as (N, K): each output is a dot product of
// two contiguous rows; the backward transposes W, dout and inp first (a pass over each, small
// next to the products) so that its products take the same form. The kernel is WebAssembly
// SIMD where the runtime has it (./simd.ts), whose backward needs no transposes; matmulABt below is the fallback: blocks of
// 4 rows of A × 4 rows of B accumulate in 16 float64 locals, so that each value loaded feeds
// four multiply-adds.
import type { Simd } from './simd';

/**
 * out (M, N) = base + bias + A · Bᵀ, where base (M, N) is added when given (it may be `out`
 * itself: accumulate) and bias (N) likewise. Sums run in float64 locals.
 */
export function matmulABt(
  out: Float32Array,
  A: Float32Array,
  B: Float32Array,
  M: number,
  N: number,
  K: number,
  base: Float32Array | null = null,
  bias: Float32Array | null = null,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let m = 0; m < M4; m += 4) {
    const a0 = m * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    for (let n = 0; n < N4; n += 4) {
      const b0 = n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const x2 = A[a2 + k];
        const x3 = A[a3 + k];
        let w = B[b0 + k];
        s00 += x0 * w; s10 += x1 * w; s20 += x2 * w; s30 += x3 * w;
        w = B[b1 + k];
        s01 += x0 * w; s11 += x1 * w; s21 += x2 * w; s31 += x3 * w;
        w = B[b2 + k];
        s02 += x0 * w; s12 += x1 * w; s22 += x2 * w; s32 += x3 * w;
        w = B[b3 + k];
        s03 += x0 * w; s13 += x1 * w; s23 += x2 * w; s33 += x3 * w;
      }
      store4(out, m * N + n, base, bias, n, s00, s01, s02, s03);
      store4(out, (m + 1) * N + n, base, bias, n, s10, s11, s12, s13);
      store4(out, (m + 2) * N + n, base, bias, n, s20, s21, s22, s23);
      store4(out, (m + 3) * N + n, base, bias, n, s30, s31, s32, s33);
    }
    // the last N % 4 columns of these four rows
    for (let n = N4; n < N; n++) {
      const b0 = n * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k];
        s0 += A[a0 + k] * w;
        s1 += A[a1 + k] * w;
        s2 += A[a2 + k] * w;
        s3 += A[a3 + k] * w;
      }
      const extra = bias ? bias[n] : 0;
      const o = m * N + n;
      out[o] = (base ? base[o] : 0) + extra + s0;
      out[o + N] = (base ? base[o + N] : 0) + extra + s1;
      out[o + 2 * N] = (base ? base[o + 2 * N] : 0) + extra + s2;
      out[o + 3 * N] = (base ? base[o + 3 * N] : 0) + extra + s3;
    }
  }
  // the last M % 4 rows
  for (let m = M4; m < M; m++) {
    const a0 = m * K;
    for (let n = 0; n < N; n++) {
      const b0 = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      const o = m * N + n;
      out[o] = (base ? base[o] : 0) + (bias ? bias[n] : 0) + s;
    }
  }
}

function store4(out: Float32Array, o: number, base: Float32Array | null, bias: Float32Array | null, n: number,
  s0: number, s1: number, s2: number, s3: number): void {
  if (bias) {
    s0 += bias[n];
    s1 += bias[n + 1];
    s2 += bias[n + 2];
    s3 += bias[n + 3];
  }
  if (base) {
    s0 += base[o];
    s1 += base[o + 1];
    s2 += base[o + 2];
    s3 += base[o + 3];
  }
  out[o] = s0;
  out[o + 1] = s1;
  out[o + 2] = s2;
  out[o + 3] = s3;
}

/** out (cols, rows) = inp (rows, cols)ᵀ. */
export function transpose(out: Float32Array, inp: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = inp[base + c];
  }
}

/**
 * out (BT, OC) = inp (BT, C) · weightᵀ + bias, weight (OC, C) as nn.Linear; with `residual`
 * (BT, OC) the sum is added to it in the same pass (a residual connection, fused).
 */
export function matmulForward(mm: Matmul, out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null,
  BT: number, C: number, OC: number, residual: Float32Array | null = null): void {
  mm.abt(out, inp, weight, BT, OC, C, residual, bias);
}

/**
 * How a model runs its products: on the WebAssembly SIMD kernels when given them (Simd.create()
 * where the runtime has them), else with matmulABt; and the scratch reused from call to call
 * (the bias sums; the transposes of the JavaScript backward).
 */
export class Matmul {
  private arrays: Float32Array[] = [new Float32Array(0), new Float32Array(0), new Float32Array(0)];
  private sums = new Float64Array(0);

  constructor(readonly simd: Simd | null) {}

  /** out (M, N) = base + bias + A (M, K) · Bᵀ, B given as (N, K). */
  abt(out: Float32Array, A: Float32Array, B: Float32Array, M: number, N: number, K: number,
    base: Float32Array | null = null, bias: Float32Array | null = null): void {
    if (this.simd) this.simd.matmulABt(out, A, B, M, N, K, base, bias);
    else matmulABt(out, A, B, M, N, K, base, bias);
  }

  /** Zeroed float64 sums for n bias gradients. */
  biasSums(n: number): Float64Array {
    if (this.sums.length < n) this.sums = new Float64Array(n);
    else this.sums.fill(0, 0, n);
    return this.sums;
  }

  /** Scratch array `i` (0..2) of at least n elements. */
  scratch(i: number, n: number): Float32Array {
    if (this.arrays[i].length < n) this.arrays[i] = new Float32Array(n);
    return this.arrays[i];
  }
}

/**
 * dinp = dout · weight (or += with accumulateDinp); dweight += doutᵀ · inp; dbias += Σ_rows dout.
 */
export function matmulBackward(
  mm: Matmul,
  dinp: Float32Array,
  dweight: Float32Array,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  BT: number,
  C: number,
  OC: number,
  opts: { accumulateDinp?: boolean } = {},
): void {
  if (dbias) {
    const sums = mm.biasSums(OC);
    for (let r = 0; r < BT; r++) {
      const row = r * OC;
      for (let o = 0; o < OC; o++) sums[o] += dout[row + o];
    }
    for (let o = 0; o < OC; o++) dbias[o] += sums[o];
  }
  if (mm.simd) {
    mm.simd.linearBackward(dinp, dweight, dout, inp, weight, BT, C, OC, opts.accumulateDinp === true);
    return;
  }
  // dinp (BT, C) = dout (BT, OC) · (weightᵀ as (C, OC))ᵀ
  const wT = mm.scratch(0, OC * C);
  transpose(wT, weight, OC, C);
  matmulABt(dinp, dout, wT, BT, C, OC, opts.accumulateDinp ? dinp : null);
  // dweight (OC, C) += (doutᵀ (OC, BT)) · (inpᵀ (C, BT))ᵀ
  const doutT = mm.scratch(1, OC * BT);
  const inpT = mm.scratch(2, C * BT);
  transpose(doutT, dout, BT, OC);
  transpose(inpT, inp, BT, C);
  matmulABt(dweight, doutT, inpT, OC, C, BT, dweight);
}
