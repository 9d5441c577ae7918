// float32 multi-head attention for the CPU engine in JavaScript (reference: ../ref/attention.ts):
// the fallback where there is no WebAssembly SIMD (./simd-attention.ts), and the attention
// maps' probabilities everywhere. One (batch, head) at a time: that head's q, k and v are
// gathered into contiguous (T, hs) rows, a query's scores are taken against the keys it may
// see only (causal: j ≤ i, so the masked half is never computed; its probabilities are
// exactly 0 as with the −∞ mask), softmaxed in float64 and used at once. Layouts as the
// kernels: qkv (B, T, 3C) with q | k | v along the channels, head h owning channels
// h·hs … (h+1)·hs−1; out (B, T, C); lse (B, NH, T).

export interface AttentionShape {
  B: number;
  T: number;
  C: number;
  nHead: number;
  causal: boolean;
}

/** Per-head working rows, float64 (in cache: a head is at most T × hs); grown on demand. */
export class AttentionScratch {
  q = new Float64Array(0);
  k = new Float64Array(0);
  v = new Float64Array(0);
  dq = new Float64Array(0);
  dk = new Float64Array(0);
  dv = new Float64Array(0);
  dout = new Float64Array(0);
  /** One query's scores, then probabilities (T). */
  row = new Float64Array(0);
  /** Four queries' probabilities and their dS (4, T). */
  rows4 = new Float64Array(0);
  drows4 = new Float64Array(0);
  /** One query's output or dq (hs). */
  acc = new Float64Array(0);

  ensure(T: number, hs: number): void {
    if (this.q.length >= T * hs && this.acc.length >= hs && this.row.length >= T) return;
    const n = T * hs;
    [this.q, this.k, this.v, this.dq, this.dk, this.dv, this.dout] = Array.from({ length: 7 }, () => new Float64Array(n));
    this.row = new Float64Array(T);
    this.rows4 = new Float64Array(4 * T);
    this.drows4 = new Float64Array(4 * T);
    this.acc = new Float64Array(hs);
  }
}

/** Copies head h of (b) from qkv into s.q, s.k, s.v as (T, hs) rows. */
function gather(s: AttentionScratch, qkv: Float32Array, b: number, h: number, T: number, C: number, hs: number): void {
  for (let t = 0; t < T; t++) {
    const src = (b * T + t) * 3 * C + h * hs;
    const dst = t * hs;
    for (let d = 0; d < hs; d++) {
      s.q[dst + d] = qkv[src + d];
      s.k[dst + d] = qkv[src + C + d];
      s.v[dst + d] = qkv[src + 2 * C + d];
    }
  }
}

/**
 * row[at + j] = scale·q_i·k_j for j < n; returns their max. Four keys at a time, each q
 * element loaded once for the four.
 */
function scoreRow(row: Float64Array, at: number, q: Float64Array, k: Float64Array, i: number, n: number, hs: number, scale: number): number {
  const qi = i * hs;
  let max = -Infinity;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const k0 = j * hs;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let d = 0; d < hs; d++) {
      const x = q[qi + d];
      s0 += x * k[k0 + d];
      s1 += x * k[k0 + hs + d];
      s2 += x * k[k0 + 2 * hs + d];
      s3 += x * k[k0 + 3 * hs + d];
    }
    row[at + j] = s0 * scale;
    row[at + j + 1] = s1 * scale;
    row[at + j + 2] = s2 * scale;
    row[at + j + 3] = s3 * scale;
  }
  for (; j < n; j++) {
    const k0 = j * hs;
    let s = 0;
    for (let d = 0; d < hs; d++) s += q[qi + d] * k[k0 + d];
    row[at + j] = s * scale;
  }
  for (let jj = at; jj < at + n; jj++) if (row[jj] > max) max = row[jj];
  return max;
}

/** acc (hs) = Σ_{j<n} w[at + j]·rows[j, :], four rows at a time. */
function weightedRows(acc: Float64Array, w: Float64Array, at: number, rows: Float64Array, n: number, hs: number): void {
  acc.fill(0, 0, hs);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const w0 = w[at + j];
    const w1 = w[at + j + 1];
    const w2 = w[at + j + 2];
    const w3 = w[at + j + 3];
    const r0 = j * hs;
    for (let d = 0; d < hs; d++) acc[d] += w0 * rows[r0 + d] + w1 * rows[r0 + hs + d] + w2 * rows[r0 + 2 * hs + d] + w3 * rows[r0 + 3 * hs + d];
  }
  for (; j < n; j++) {
    const wj = w[at + j];
    const r0 = j * hs;
    for (let d = 0; d < hs; d++) acc[d] += wj * rows[r0 + d];
  }
}

/** out = softmax(mask(q·kᵀ/√hs))·v per head; lse = log Σ_j exp(s_ij) per row. */
export function attentionForward(out: Float32Array, lse: Float32Array, qkv: Float32Array, shape: AttentionShape, s: AttentionScratch): void {
  const { B, T, C, nHead: NH, causal } = shape;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  s.ensure(T, hs);
  const { v, row, acc } = s;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      gather(s, qkv, b, h, T, C, hs);
      for (let i = 0; i < T; i++) {
        const n = causal ? i + 1 : T;
        const max = scoreRow(row, 0, s.q, s.k, i, n, hs, scale);
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const p = Math.exp(row[j] - max);
          row[j] = p;
          sum += p;
        }
        lse[(b * NH + h) * T + i] = max + Math.log(sum);
        weightedRows(acc, row, 0, v, n, hs);
        const o = (b * T + i) * C + h * hs;
        const inv = 1 / sum;
        for (let d = 0; d < hs; d++) out[o + d] = acc[d] * inv;
      }
    }
  }
}

/** P[b,h,i,j] = exp(s_ij − lse_i) for the keys query i sees, 0 for masked ones: (B, NH, T, T). */
export function attentionProbs(probs: Float32Array, qkv: Float32Array, lse: Float32Array, shape: AttentionShape, s: AttentionScratch): void {
  const { B, T, C, nHead: NH, causal } = shape;
  const hs = C / NH;
  s.ensure(T, hs);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      gather(s, qkv, b, h, T, C, hs);
      for (let i = 0; i < T; i++) {
        const n = causal ? i + 1 : T;
        scoreRow(s.row, 0, s.q, s.k, i, n, hs, 1 / Math.sqrt(hs));
        const m = lse[(b * NH + h) * T + i];
        const base = ((b * NH + h) * T + i) * T;
        for (let j = 0; j < T; j++) probs[base + j] = j < n ? Math.exp(s.row[j] - m) : 0;
      }
    }
  }
}

/**
 * The backward of attentionForward: dqkv is OVERWRITTEN with dq | dk | dv. P is rebuilt from
 * lse, so `out` and `lse` must be the forward's for these qkv. With D_i = dout_i·out_i:
 * dS_ij = P_ij·(dout_i·v_j − D_i), dq_i = scale·Σ_j dS_ij k_j, dk_j = scale·Σ_i dS_ij q_i,
 * dv_j = Σ_i P_ij dout_i.
 */
export function attentionBackward(dqkv: Float32Array, dout: Float32Array, qkv: Float32Array, out: Float32Array, lse: Float32Array,
  shape: AttentionShape, s: AttentionScratch): void {
  const { B, T, C, nHead: NH, causal } = shape;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  s.ensure(T, hs);
  const { q, k, v, dq, dk, dv, acc } = s;
  const dO = s.dout;
  const P = s.rows4;
  const dS = s.drows4;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      gather(s, qkv, b, h, T, C, hs);
      dk.fill(0, 0, T * hs);
      dv.fill(0, 0, T * hs);
      for (let i = 0; i < T; i++) {
        const o = (b * T + i) * C + h * hs;
        for (let d = 0; d < hs; d++) dO[i * hs + d] = dout[o + d];
      }
      // Queries in groups of four: P and dS of the group's rows first, then each key's dk and
      // dv take the four rows' terms in one pass (zeros past a causal row's last key).
      for (let i0 = 0; i0 < T; i0 += 4) {
        const g = Math.min(4, T - i0);
        const nMax = causal ? i0 + g : T;
        for (let r = 0; r < g; r++) {
          const i = i0 + r;
          const n = causal ? i + 1 : T;
          const oi = i * hs;
          const o = (b * T + i) * C + h * hs;
          const at = r * T;
          let D = 0;
          for (let d = 0; d < hs; d++) D += dO[oi + d] * out[o + d];
          scoreRow(P, at, q, k, i, n, hs, scale);
          scoreRow(dS, at, dO, v, i, n, hs, 1); // dout_i·v_j for the keys seen
          const m = lse[(b * NH + h) * T + i];
          for (let j = 0; j < n; j++) {
            const p = Math.exp(P[at + j] - m);
            P[at + j] = p;
            dS[at + j] = p * (dS[at + j] - D) * scale;
          }
          P.fill(0, at + n, at + nMax);
          dS.fill(0, at + n, at + nMax);
          weightedRows(acc, dS, at, k, n, hs);
          for (let d = 0; d < hs; d++) dq[oi + d] = acc[d];
        }
        if (g === 4) {
          const q0 = i0 * hs;
          for (let j = 0; j < nMax; j++) {
            const j0 = j * hs;
            const s0 = dS[j], s1 = dS[T + j], s2 = dS[2 * T + j], s3 = dS[3 * T + j];
            const p0 = P[j], p1 = P[T + j], p2 = P[2 * T + j], p3 = P[3 * T + j];
            for (let d = 0; d < hs; d++) {
              const a = q0 + d;
              dk[j0 + d] += s0 * q[a] + s1 * q[a + hs] + s2 * q[a + 2 * hs] + s3 * q[a + 3 * hs];
              dv[j0 + d] += p0 * dO[a] + p1 * dO[a + hs] + p2 * dO[a + 2 * hs] + p3 * dO[a + 3 * hs];
            }
          }
        } else {
          for (let r = 0; r < g; r++) {
            const oi = (i0 + r) * hs;
            for (let j = 0; j < nMax; j++) {
              const j0 = j * hs;
              const ds = dS[r * T + j];
              const p = P[r * T + j];
              for (let d = 0; d < hs; d++) {
                dk[j0 + d] += ds * q[oi + d];
                dv[j0 + d] += p * dO[oi + d];
              }
            }
          }
        }
      }
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * 3 * C + h * hs;
        const src = t * hs;
        for (let d = 0; d < hs; d++) {
          dqkv[dst + d] = dq[src + d];
          dqkv[dst + C + d] = dk[src + d];
          dqkv[dst + 2 * C + d] = dv[src + d];
        }
      }
    }
  }
}
