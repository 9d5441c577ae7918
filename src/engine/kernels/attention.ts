// attention.wgsl: fused multi-head attention (causal or not) and the probabilities for the
// attention heatmaps; attention_backward.wgsl: its backward as three deterministic passes
// (D, dq, dk|dv). Both share attention_common.wgsl.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, type Tensor } from '../gpu/tensor';
import type { KernelConfig } from './config';
import { shaderSource } from './shaders';
import { attentionBackwardLanes, attentionForwardLanes } from './attention-lanes';

const shader = shaderSource('attention.wgsl');
const backwardShader = shaderSource('attention_backward.wgsl');

/** The largest head size: the shader keeps a row of q (and dq, …) in fixed-size arrays. */
export const ATTENTION_MAX_HEAD_SIZE = 128; // MAX_HS in attention_common.wgsl

// Query (or key) rows per workgroup, and the most key (or query) rows per shared tile.
const ROWS = 32;
const MAX_TILE = 32;
/** Bytes of workgroup memory for the two staged tiles (2·TILE·hs floats, hs padded to 4). */
const TILE_BYTES = 8192;

/**
 * Pipeline constants of the row-tiled entry points for head size hs: HS4 = ceil(hs/4) and
 * the largest tile (≤ MAX_TILE rows) whose two staged copies fit TILE_BYTES, so small heads
 * stage more rows per barrier: hs 16 or 32 → 32 rows, 64 → 16, 128 → 8. With the scores
 * (ROWS·TILE floats) this stays under the guaranteed 16 KiB of workgroup memory.
 */
export function attentionTiling(hs: number, staged = true): { ROWS: number; TILE: number; HS4: number; HS_PADDED: number; STAGED: number } {
  const HS4 = Math.ceil(hs / 4);
  const TILE = Math.max(1, Math.min(MAX_TILE, Math.floor(TILE_BYTES / (2 * HS4 * 16))));
  return { ROWS, TILE, HS4, HS_PADDED: Number(hs % 4 !== 0), STAGED: Number(staged) };
}

/**
 * Staging through workgroup memory, unless the head is small enough for the configuration to
 * read keys (queries) directly (see attention.wgsl; why per adapter: engine/tune/defaults.ts).
 */
export const attentionStaged = (kernelConfig: KernelConfig, hs: number, opts: Pick<AttentionOpts, 'staged'> = {}): boolean =>
  opts.staged ?? hs > kernelConfig.attention.directMaxHeadSize;
// Workgroup size of the element-wise entry points (probs, D).
const WG = 64;
const ELEMENTWISE = { WG };

export interface AttentionOpts {
  nHead: number;
  /** false attends to every key: the "no mask" experiment in which the model can see ahead. */
  causal: boolean;
  /** Stage keys (or queries) in workgroup memory; default: see attentionStaged. */
  staged?: boolean;
  /**
   * (B, NH, T, T) scratch for the scores (p; and dp for the backward): with it, a
   * configuration that runs matmul_lanes computes attention as batched products
   * (attention-lanes.ts) instead of the flash kernels. Plans have one when
   * core/activations' attentionProductsFit says so.
   */
  scratch?: { p: Tensor; dp?: Tensor };
}

/** Whether attention runs as products: the configuration runs matmul_lanes and there is a scratch. */
const products = (kernelConfig: KernelConfig, d: Dims, opts: AttentionOpts, what: string, backward: boolean): boolean => {
  if (!kernelConfig.matmul.lanes || !opts.scratch || (backward && !opts.scratch.dp)) return false;
  const shape = [d.B, d.NH, d.T, d.T];
  expectF32(what, opts.scratch.p, shape);
  if (backward) expectF32(what, opts.scratch.dp!, shape);
  return true;
};

interface Dims {
  B: number;
  T: number;
  C: number;
  NH: number;
  hs: number;
}

function dimsOf(what: string, qkv: Tensor, opts: AttentionOpts): Dims {
  expectDtype(what, qkv, 'f32');
  if (qkv.shape.length !== 3 || qkv.shape[2] % 3 !== 0) {
    throw new ShapeError(`${what}: expected ${qkv.label} of shape (B, T, 3C), got (${qkv.shape.join(', ')})`);
  }
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const NH = opts.nHead;
  if (!Number.isInteger(NH) || NH < 1 || C % NH !== 0) {
    throw new ShapeError(`${what}: ${NH} heads do not divide the ${C} channels of ${qkv.label}`);
  }
  const hs = C / NH;
  if (hs > ATTENTION_MAX_HEAD_SIZE) {
    throw new ShapeError(
      `${what}: head size ${hs} (C=${C} / ${NH} heads) exceeds the supported maximum of ` +
        `${ATTENTION_MAX_HEAD_SIZE}; use more heads`,
    );
  }
  if (B < 1 || T < 1) throw new ShapeError(`${what}: ${qkv.label} is empty`);
  return { B, T, C, NH, hs };
}

function expectF32(what: string, t: Tensor, shape: readonly number[]): void {
  expectShape(what, t, shape);
  expectDtype(what, t, 'f32');
}

function params(gpu: Gpu, d: Dims, causal: boolean): GPUBuffer {
  return createUniform(gpu, 'attention.params', [
    ['u32', d.B],
    ['u32', d.T],
    ['u32', d.C],
    ['u32', d.NH],
    ['u32', d.hs],
    ['u32', causal ? 1 : 0],
    ['f32', 1 / Math.sqrt(d.hs)],
  ]);
}

/** Workgroups of the row-tiled entry points: one per ROWS rows of each (batch, head). */
const rowBlocks = (gpu: Gpu, d: Dims) => grid1d(gpu, d.B * d.NH * ceilDiv(d.T, ROWS));

/**
 * out (B, T, C) = softmax(mask(q·kᵀ/√hs))·v per head, and lse (B, NH, T) = the natural
 * log-sum-exp of each row's scaled, masked scores (what the backward and probs need).
 */
export function attentionForward(gpu: Gpu, kernelConfig: KernelConfig, out: Tensor, lse: Tensor, qkv: Tensor,
  opts: AttentionOpts): Promise<Dispatch[]> {
  const what = 'attentionForward';
  const d = dimsOf(what, qkv, opts);
  expectF32(what, out, [d.B, d.T, d.C]);
  expectF32(what, lse, [d.B, d.NH, d.T]);
  if (products(kernelConfig, d, opts, what, false)) return attentionForwardLanes(gpu, d, out, lse, qkv, opts.scratch!.p, opts.causal);
  const u = params(gpu, d, opts.causal);
  const constants = attentionTiling(d.hs, attentionStaged(kernelConfig, d.hs, opts));
  return makeDispatch(gpu, 'attention_forward', { shader, entryPoint: 'attention_forward', constants },
    [out, lse, qkv, null, null, null, null, u], rowBlocks(gpu, d)).then((x) => [x]);
}

/**
 * probs (B, NH, T, T) = exp(s_ij − lse_i): the attention weights, for visualisation. Masked
 * entries are written as exactly 0.
 */
export function attentionProbs(gpu: Gpu, probs: Tensor, qkv: Tensor, lse: Tensor, opts: AttentionOpts): Promise<Dispatch> {
  const what = 'attentionProbs';
  const d = dimsOf(what, qkv, opts);
  expectF32(what, probs, [d.B, d.NH, d.T, d.T]);
  expectF32(what, lse, [d.B, d.NH, d.T]);
  const u = params(gpu, d, opts.causal);
  return makeDispatch(gpu, 'attention_probs', { shader, entryPoint: 'attention_probs', constants: ELEMENTWISE },
    [probs, null, qkv, lse, null, null, null, u], grid1d(gpu, ceilDiv(d.B * d.NH * d.T * d.T, WG)));
}

/**
 * The backward of attentionForward. dqkv (B, T, 3C) is OVERWRITTEN with dq | dk | dv (it is an
 * activation gradient: the c_attn backward consumes it). scratchD (B, NH, T) receives
 * D_i = dout_i·out_i. Three dispatches: D, then dq by query row, then dk and dv by key row
 * (or, as products with a scratch, D then attention-lanes.ts's seven).
 */
export async function attentionBackward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  dqkv: Tensor,
  dout: Tensor,
  qkv: Tensor,
  out: Tensor,
  lse: Tensor,
  scratchD: Tensor,
  opts: AttentionOpts,
): Promise<Dispatch[]> {
  const what = 'attentionBackward';
  const d = dimsOf(what, qkv, opts);
  expectF32(what, dqkv, [d.B, d.T, 3 * d.C]);
  expectF32(what, dout, [d.B, d.T, d.C]);
  expectF32(what, out, [d.B, d.T, d.C]);
  expectF32(what, lse, [d.B, d.NH, d.T]);
  expectF32(what, scratchD, [d.B, d.NH, d.T]);
  const u = params(gpu, d, opts.causal);
  const dDispatch = makeDispatch(gpu, 'attention_backward_d', { shader: backwardShader, entryPoint: 'attention_backward_d', constants: ELEMENTWISE },
    [null, scratchD, null, null, dout, out, null, u], grid1d(gpu, ceilDiv(d.B * d.NH * d.T, WG)));
  if (products(kernelConfig, d, opts, what, true)) {
    const { p, dp } = opts.scratch!;
    const [first, rest] = await Promise.all([dDispatch, attentionBackwardLanes(gpu, d, dqkv, dout, qkv, lse, scratchD, p, dp!, opts.causal)]);
    return [first, ...rest];
  }
  const tiled = [dqkv, null, qkv, lse, dout, null, scratchD, u];
  const constants = attentionTiling(d.hs, attentionStaged(kernelConfig, d.hs, opts));
  return Promise.all([
    dDispatch,
    makeDispatch(gpu, 'attention_backward_dq', { shader: backwardShader, entryPoint: 'attention_backward_dq', constants },
      tiled, rowBlocks(gpu, d)),
    makeDispatch(gpu, 'attention_backward_dkv', { shader: backwardShader, entryPoint: 'attention_backward_dkv', constants },
      tiled, rowBlocks(gpu, d)),
  ]);
}
