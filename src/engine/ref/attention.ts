// float64 reference for attention.wgsl: naive multi-head attention that builds the whole
// T×T score matrix per (batch, head), masks with a real −Infinity and takes a max-subtracted
// softmax. Layouts match the kernels: qkv (B, T, 3C) with q | k | v along the channels and
// head h owning channels h·hs … (h+1)·hs−1 of each; out (B, T, C); lse and D (B, NH, T);
// probs (B, NH, T, T).

export interface AttentionOpts {
  nHead: number;
  causal: boolean;
}

interface Layout {
  hs: number;
  scale: number;
  /** Index into qkv of element d of head h's q (part 0), k (1) or v (2) at (b, t). */
  qkvAt: (b: number, t: number, part: number, h: number, d: number) => number;
  /** Index into out / dout of element d of head h at (b, t). */
  outAt: (b: number, t: number, h: number, d: number) => number;
  /** Index into lse / D of row t of (b, h). */
  rowAt: (b: number, h: number, t: number) => number;
}

function layout(T: number, C: number, NH: number): Layout {
  const hs = C / NH;
  return {
    hs,
    scale: 1 / Math.sqrt(hs),
    qkvAt: (b, t, part, h, d) => (b * T + t) * 3 * C + part * C + h * hs + d,
    outAt: (b, t, h, d) => (b * T + t) * C + h * hs + d,
    rowAt: (b, h, t) => (b * NH + h) * T + t,
  };
}

/** Whether query i may attend to key j. */
const allowed = (causal: boolean, i: number, j: number): boolean => !causal || j <= i;

/** The scaled, masked score matrix of (b, h): −Infinity where masked. */
function scores(qkv: ArrayLike<number>, L: Layout, T: number, b: number, h: number, causal: boolean): Float64Array {
  const s = new Float64Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      if (!allowed(causal, i, j)) {
        s[i * T + j] = -Infinity;
        continue;
      }
      let acc = 0;
      for (let d = 0; d < L.hs; d++) acc += qkv[L.qkvAt(b, i, 0, h, d)] * qkv[L.qkvAt(b, j, 1, h, d)];
      s[i * T + j] = acc * L.scale;
    }
  }
  return s;
}

/**
 * out = softmax(mask(q·kᵀ/√hs))·v per head, lse = log Σ_j exp(s_ij) per row. When `probs` is
 * given it receives the softmax matrix itself (B, NH, T, T).
 */
export function attentionForward(
  out: Float64Array,
  lse: Float64Array,
  qkv: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
  opts: AttentionOpts,
  probs?: Float64Array,
): void {
  const NH = opts.nHead;
  const L = layout(T, C, NH);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const s = scores(qkv, L, T, b, h, opts.causal);
      for (let i = 0; i < T; i++) {
        let max = -Infinity;
        for (let j = 0; j < T; j++) max = Math.max(max, s[i * T + j]);
        let sum = 0;
        // exp(−Infinity − max) is exactly 0: masked keys drop out without a special case.
        for (let j = 0; j < T; j++) sum += Math.exp(s[i * T + j] - max);
        lse[L.rowAt(b, h, i)] = max + Math.log(sum);
        for (let d = 0; d < L.hs; d++) out[L.outAt(b, i, h, d)] = 0;
        for (let j = 0; j < T; j++) {
          const p = Math.exp(s[i * T + j] - max) / sum;
          if (probs) probs[((b * NH + h) * T + i) * T + j] = p;
          if (p === 0) continue;
          for (let d = 0; d < L.hs; d++) out[L.outAt(b, i, h, d)] += p * qkv[L.qkvAt(b, j, 2, h, d)];
        }
      }
    }
  }
}

/** P[b,h,i,j] = exp(s_ij − lse_i) for allowed keys, exactly 0 for masked ones. */
export function attentionProbs(
  probs: Float64Array,
  qkv: ArrayLike<number>,
  lse: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
  opts: AttentionOpts,
): void {
  const NH = opts.nHead;
  const L = layout(T, C, NH);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const s = scores(qkv, L, T, b, h, opts.causal);
      for (let i = 0; i < T; i++) {
        const m = lse[L.rowAt(b, h, i)];
        for (let j = 0; j < T; j++) probs[((b * NH + h) * T + i) * T + j] = Math.exp(s[i * T + j] - m);
      }
    }
  }
}

/**
 * The backward of attentionForward, written with full matrices: dqkv is OVERWRITTEN with
 * dq | dk | dv, and scratchD receives D_i = Σ_d dout_i·out_i (which equals Σ_j P_ij·dP_ij, the
 * softmax backward's row term). P is rebuilt from lse as the kernels do, so `out` and `lse`
 * must be the forward's outputs for these qkv.
 */
export function attentionBackward(
  dqkv: Float64Array,
  dout: ArrayLike<number>,
  qkv: ArrayLike<number>,
  out: ArrayLike<number>,
  lse: ArrayLike<number>,
  scratchD: Float64Array,
  B: number,
  T: number,
  C: number,
  opts: AttentionOpts,
): void {
  const NH = opts.nHead;
  const L = layout(T, C, NH);
  dqkv.fill(0, 0, B * T * 3 * C);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const s = scores(qkv, L, T, b, h, opts.causal);
      for (let i = 0; i < T; i++) {
        let D = 0;
        for (let d = 0; d < L.hs; d++) D += dout[L.outAt(b, i, h, d)] * out[L.outAt(b, i, h, d)];
        scratchD[L.rowAt(b, h, i)] = D;
        const m = lse[L.rowAt(b, h, i)];
        for (let j = 0; j < T; j++) {
          const p = Math.exp(s[i * T + j] - m);
          if (p === 0) continue;
          let dp = 0;
          for (let d = 0; d < L.hs; d++) dp += dout[L.outAt(b, i, h, d)] * qkv[L.qkvAt(b, j, 2, h, d)];
          const ds = p * (dp - D);
          for (let d = 0; d < L.hs; d++) {
            dqkv[L.qkvAt(b, i, 0, h, d)] += L.scale * ds * qkv[L.qkvAt(b, j, 1, h, d)];
            dqkv[L.qkvAt(b, j, 1, h, d)] += L.scale * ds * qkv[L.qkvAt(b, i, 0, h, d)];
            dqkv[L.qkvAt(b, j, 2, h, d)] += p * dout[L.outAt(b, i, h, d)];
          }
        }
      }
    }
  }
}
