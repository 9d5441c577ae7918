// attention_lanes.wgsl: attention as batched products over a (B, NH, T, T) scratch, for
// devices whose configuration runs matmul_lanes (software adapters with subgroups of 4). The
// same contract as the flash kernels of attention.ts, which choose this path when given a
// scratch (attentionProductsFit says when a plan has one).
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, createWideUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('attention_lanes.wgsl', { subgroups: true });
const WG = 64;

export interface AttentionDims {
  B: number;
  T: number;
  C: number;
  NH: number;
  hs: number;
}

/** An operand of a batched product: its tensor, the element offset of (b, h) = (0, 0), its row stride, and its strides per batch and per head. */
interface Operand {
  t: Tensor;
  at: number;
  ld: number;
  sb: number;
  sh: number;
}

type Causal = 0 | 1 | 2 | 3; // see CAUSAL in attention_lanes.wgsl

interface Bmm {
  label: string;
  M: number;
  N: number;
  K: number;
  a: Operand;
  b: Operand;
  c: Operand;
  transA: boolean;
  transB: boolean;
  causal: Causal;
}

/** C[z] (M, N) = op(A[z]) · op(B[z]) for every (batch, head) z: one dispatch. */
function bmm(gpu: Gpu, d: AttentionDims, m: Bmm): Promise<Dispatch> {
  const RN = m.N <= 16 ? 4 : 8;
  const tilesN = ceilDiv(m.N, 4 * RN);
  const tiles = ceilDiv(m.M, 8) * tilesN;
  const u = createWideUniform(gpu, `${m.label}.params`, [
    ['u32', m.M], ['u32', m.N], ['u32', m.K], ['u32', tilesN],
    ['u32', m.a.ld], ['u32', m.b.ld], ['u32', m.c.ld], ['u32', d.NH],
    ['u32', m.a.at], ['u32', m.a.sb], ['u32', m.a.sh],
    ['u32', m.b.at], ['u32', m.b.sb], ['u32', m.b.sh],
    ['u32', m.c.at], ['u32', m.c.sb], ['u32', m.c.sh],
    ['u32', tiles], ['u32', d.B * d.NH],
  ]);
  return makeDispatch(gpu, m.label,
    { shader, entryPoint: 'attention_bmm', constants: { TRANS_A: Number(m.transA), TRANS_B: Number(m.transB), RN, CAUSAL: m.causal } },
    [m.c.t, m.a.t, m.b.t, u], grid1d(gpu, tiles * d.B * d.NH));
}

/** The views of one (b, h) the products read and write. */
function operands(d: AttentionDims) {
  const { T, C, NH, hs } = d;
  const TT = T * T;
  return {
    /** Part 0/1/2 (q/k/v) of qkv (B, T, 3C): rows of hs channels, row stride 3C. */
    qkv: (t: Tensor, part: number): Operand => ({ t, at: part * C, ld: 3 * C, sb: T * 3 * C, sh: hs }),
    /** A (B, T, C) tensor (out, dout): row stride C. */
    btc: (t: Tensor): Operand => ({ t, at: 0, ld: C, sb: T * C, sh: hs }),
    /** A (B, NH, T, T) scratch. */
    scores: (t: Tensor): Operand => ({ t, at: 0, ld: T, sb: NH * TT, sh: TT }),
  };
}

function rowsUniform(gpu: Gpu, d: AttentionDims, causal: boolean): GPUBuffer {
  return createUniform(gpu, 'attention_rows.params', [
    ['u32', d.T], ['u32', d.B * d.NH * d.T], ['u32', causal ? 1 : 0], ['f32', 1 / Math.sqrt(d.hs)],
  ]);
}

/** The forward: S = q·kᵀ into `scratch`, softmax (and lse) in place, out = P·v. Three dispatches. */
export function attentionForwardLanes(gpu: Gpu, d: AttentionDims, out: Tensor, lse: Tensor, qkv: Tensor, scratch: Tensor,
  causal: boolean): Promise<Dispatch[]> {
  const o = operands(d);
  const rows = rowsUniform(gpu, d, causal);
  return Promise.all([
    bmm(gpu, d, { label: 'attention_scores', M: d.T, N: d.T, K: d.hs, a: o.qkv(qkv, 0), b: o.qkv(qkv, 1), c: o.scores(scratch),
      transA: false, transB: true, causal: causal ? 1 : 0 }),
    makeDispatch(gpu, 'attention_softmax', { shader, entryPoint: 'attention_softmax', constants: {} },
      [null, null, null, null, scratch, lse, null, null, rows], grid1d(gpu, d.B * d.NH * d.T)),
    bmm(gpu, d, { label: 'attention_values', M: d.T, N: d.hs, K: d.T, a: o.scores(scratch), b: o.qkv(qkv, 2), c: o.btc(out),
      transA: false, transB: false, causal: causal ? 2 : 0 }),
  ]);
}

/**
 * The backward after D (attention.ts's attention_backward_d): S = q·kᵀ into `p` and dP =
 * dout·vᵀ into `dp`, then in one pass P = exp(scale·S − lse) in place and dS = scale·P∘(dP −
 * D) over dP, then dq = dS·k, dk = dSᵀ·q and dv = Pᵀ·dout into dqkv (every element written).
 */
export function attentionBackwardLanes(gpu: Gpu, d: AttentionDims, dqkv: Tensor, dout: Tensor, qkv: Tensor, lse: Tensor,
  scratchD: Tensor, p: Tensor, dp: Tensor, causal: boolean): Promise<Dispatch[]> {
  const o = operands(d);
  const rows = rowsUniform(gpu, d, causal);
  const elements = grid1d(gpu, ceilDiv(d.B * d.NH * d.T * d.T, WG));
  const [skipAbove, toDiagonal, fromDiagonal] = causal ? ([1, 2, 3] as const) : ([0, 0, 0] as const);
  const T = d.T;
  const hs = d.hs;
  return Promise.all([
    bmm(gpu, d, { label: 'attention_scores', M: T, N: T, K: hs, a: o.qkv(qkv, 0), b: o.qkv(qkv, 1), c: o.scores(p),
      transA: false, transB: true, causal: skipAbove }),
    bmm(gpu, d, { label: 'attention_dprobs', M: T, N: T, K: hs, a: o.btc(dout), b: o.qkv(qkv, 2), c: o.scores(dp),
      transA: false, transB: true, causal: skipAbove }),
    makeDispatch(gpu, 'attention_dscores', { shader, entryPoint: 'attention_dscores', constants: { WG } },
      [null, null, null, null, p, lse, dp, scratchD, rows], elements),
    bmm(gpu, d, { label: 'attention_dq', M: T, N: hs, K: T, a: o.scores(dp), b: o.qkv(qkv, 1), c: o.qkv(dqkv, 0),
      transA: false, transB: false, causal: toDiagonal }),
    bmm(gpu, d, { label: 'attention_dk', M: T, N: hs, K: T, a: o.scores(dp), b: o.qkv(qkv, 0), c: o.qkv(dqkv, 1),
      transA: true, transB: false, causal: fromDiagonal }),
    bmm(gpu, d, { label: 'attention_dv', M: T, N: hs, K: T, a: o.scores(p), b: o.btc(dout), c: o.qkv(dqkv, 2),
      transA: true, transB: false, causal: fromDiagonal }),
  ]);
}
