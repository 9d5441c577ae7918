// Attention on the SIMD kernels (./simd.ts), one (batch, head) at a time, as matrix products
// around a softmax in JavaScript: S = q·kᵀ, P = softmax(mask(S/√hs)), out = P·v; backward
// dP = dout·vᵀ, dS = P∘(dP − D), dq = dS·k, dk = dSᵀ·q, dv = Pᵀ·dout. Same contract as
// ./attention.ts (the JavaScript version, and the fallback). With the causal mask the
// products skip the blocks of 4 that lie wholly above the diagonal; P and dS are written as
// exact zeros above it, where the remaining blocks read them.
import type { AttentionShape } from './attention';
import { Layout, Simd, up } from './simd';

interface HeadLayout {
  /** Floats a row of q, k, v, dout and of the head outputs: hs padded to 8 (zeros past hs). */
  hsp: number;
  /** Rows of every matrix, T padded to 4. */
  Tp: number;
  q: number;
  k: number;
  v: number;
  dout: number;
  /** (Tp, Tp): S, then P. */
  s: number;
  /** (Tp, Tp): dP, then dS. */
  ds: number;
  o1: number;
  o2: number;
  o3: number;
  f: Float32Array;
}

function headLayout(simd: Simd, T: number, hs: number): HeadLayout {
  const hsp = up(hs, 8);
  const Tp = up(T, 4);
  const lay = new Layout();
  const m = () => lay.take(Tp * hsp);
  const [q, k, v, dout, o1, o2, o3] = [m(), m(), m(), m(), m(), m(), m()];
  const s = lay.take(Tp * Tp);
  const ds = lay.take(Tp * Tp);
  return { hsp, Tp, q, k, v, dout, s, ds, o1, o2, o3, f: simd.view(lay) };
}

/** Channels [off, off + hs) of each of T rows of `src` (row stride C3) into `at`, rows hsp apart. */
function gather(f: Float32Array, at: number, src: Float32Array, first: number, C3: number, T: number, hs: number, hsp: number): void {
  for (let t = 0; t < T; t++) {
    const s = first + t * C3;
    const d = at + t * hsp;
    for (let i = 0; i < hs; i++) f[d + i] = src[s + i];
    for (let i = hs; i < hsp; i++) f[d + i] = 0;
  }
}

/** The reverse of gather: rows of the memory at `at` into channels of `dst`. */
function scatter(dst: Float32Array, first: number, C3: number, f: Float32Array, at: number, T: number, hs: number, hsp: number): void {
  for (let t = 0; t < T; t++) {
    const s = at + t * hsp;
    const d = first + t * C3;
    for (let i = 0; i < hs; i++) dst[d + i] = f[s + i];
  }
}

export function simdAttentionForward(simd: Simd, out: Float32Array, lse: Float32Array, qkv: Float32Array, shape: AttentionShape): void {
  const { B, T, C, nHead: NH, causal } = shape;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const L = headLayout(simd, T, hs);
  const { f, hsp, Tp } = L;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const first = b * T * 3 * C + h * hs;
      gather(f, L.q, qkv, first, 3 * C, T, hs, hsp);
      gather(f, L.k, qkv, first + C, 3 * C, T, hs, hsp);
      gather(f, L.v, qkv, first + 2 * C, 3 * C, T, hs, hsp);
      simd.abt(L.s * 4, L.q * 4, L.k * 4, Tp, Tp, hsp * 4, Tp * 4, causal ? 1 : 0);
      for (let i = 0; i < T; i++) {
        const n = causal ? i + 1 : T;
        const row = L.s + i * Tp;
        let max = -Infinity;
        for (let j = 0; j < n; j++) if (f[row + j] > max) max = f[row + j];
        max *= scale;
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp(f[row + j] * scale - max);
          f[row + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j < n; j++) f[row + j] *= inv;
        f.fill(0, row + n, row + T);
        lse[(b * NH + h) * T + i] = max + Math.log(sum);
      }
      simd.ab(L.o1 * 4, L.s * 4, L.v * 4, Tp, hsp, T, Tp * 4, 4, hsp * 4, hsp * 4, causal ? 1 : 0);
      scatter(out, b * T * C + h * hs, C, f, L.o1, T, hs, hsp);
    }
  }
}

export function simdAttentionBackward(simd: Simd, dqkv: Float32Array, dout: Float32Array, qkv: Float32Array, out: Float32Array,
  lse: Float32Array, shape: AttentionShape): void {
  const { B, T, C, nHead: NH, causal } = shape;
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const L = headLayout(simd, T, hs);
  const { f, hsp, Tp } = L;
  const band = causal ? 1 : 0;
  const bandT = causal ? 2 : 0; // for the transposed products: A is zero below its diagonal
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const first = b * T * 3 * C + h * hs;
      const firstOut = b * T * C + h * hs;
      gather(f, L.q, qkv, first, 3 * C, T, hs, hsp);
      gather(f, L.k, qkv, first + C, 3 * C, T, hs, hsp);
      gather(f, L.v, qkv, first + 2 * C, 3 * C, T, hs, hsp);
      gather(f, L.dout, dout, firstOut, C, T, hs, hsp);
      simd.abt(L.s * 4, L.q * 4, L.k * 4, Tp, Tp, hsp * 4, Tp * 4, band);
      simd.abt(L.ds * 4, L.dout * 4, L.v * 4, Tp, Tp, hsp * 4, Tp * 4, band);
      for (let i = 0; i < T; i++) {
        const n = causal ? i + 1 : T;
        const o = firstOut + i * C;
        const d0 = L.dout + i * hsp;
        let D = 0;
        for (let d = 0; d < hs; d++) D += f[d0 + d] * out[o + d];
        const m = lse[(b * NH + h) * T + i];
        const row = L.s + i * Tp;
        const drow = L.ds + i * Tp;
        for (let j = 0; j < n; j++) {
          const p = Math.exp(f[row + j] * scale - m);
          f[row + j] = p;
          f[drow + j] = p * (f[drow + j] - D) * scale;
        }
        f.fill(0, row + n, row + T);
        f.fill(0, drow + n, drow + T);
      }
      // dq[i] = Σ_j dS[i][j]·k[j];  dk[j] = Σ_i dS[i][j]·q[i];  dv[j] = Σ_i P[i][j]·dout[i]
      simd.ab(L.o1 * 4, L.ds * 4, L.k * 4, Tp, hsp, T, Tp * 4, 4, hsp * 4, hsp * 4, band);
      simd.ab(L.o2 * 4, L.ds * 4, L.q * 4, Tp, hsp, T, 4, Tp * 4, hsp * 4, hsp * 4, bandT);
      simd.ab(L.o3 * 4, L.s * 4, L.dout * 4, Tp, hsp, T, 4, Tp * 4, hsp * 4, hsp * 4, bandT);
      scatter(dqkv, first, 3 * C, f, L.o1, T, hs, hsp);
      scatter(dqkv, first + C, 3 * C, f, L.o2, T, hs, hsp);
      scatter(dqkv, first + 2 * C, 3 * C, f, L.o3, T, hs, hsp);
    }
  }
}
