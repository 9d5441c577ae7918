// matmul.wgsl (tiled, register-blocked) and matmul_plain.wgsl (the benchmark's baseline):
// linear layers y = x·Wᵀ + b with W (OC, C) as in nn.Linear, and their backward.
import code from '../../../shaders/matmul.wgsl?raw';
import plainCode from '../../../shaders/matmul_plain.wgsl?raw';
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { expectDtype, expectShape, rowsCols, type Tensor } from '../gpu/tensor';

const shader = { file: 'matmul.wgsl', code };
const plainShader = { file: 'matmul_plain.wgsl', code: plainCode };

/** Output tile per workgroup (BM×BN, 8×8 per invocation, so multiples of 8) and K step; see matmul.wgsl. */
const TILE = { BM: 64, BN: 64, BK: 16 };
const BIAS = { BIAS_COLS: 64, BIAS_SLICES: 4 };
const PLAIN_WG = 64;

export interface MatmulBackwardOptions {
  /** Add into dinp instead of overwriting it (when another branch already wrote it). */
  accumulateDinp?: boolean;
}

interface Product {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

/** c (M, N) = op(a) · op(b) [+ bias] [+ c]: one dispatch of the general tiled kernel. */
function tiledProduct(gpu: Gpu, label: string, c: Tensor, a: Tensor, b: Tensor, bias: Tensor | null, d: Product): Promise<Dispatch> {
  const tilesN = ceilDiv(d.N, TILE.BN);
  const tiles = ceilDiv(d.M, TILE.BM) * tilesN;
  const u = createUniform(gpu, `${label}.params`, [['u32', d.M], ['u32', d.N], ['u32', d.K], ['u32', tilesN]]);
  const constants = {
    ...TILE,
    TRANS_A: Number(d.transA),
    TRANS_B: Number(d.transB),
    ACCUMULATE: Number(d.accumulate),
    HAS_BIAS: Number(bias !== null),
  };
  // The bias variable is statically used even when HAS_BIAS is off, so something must be bound.
  return makeDispatch(gpu, label, { shader, entryPoint: 'matmul', constants },
    [c, a, b, bias ?? gpu.dummyBuffer(), u], grid1d(gpu, tiles));
}

/** Checks a linear layer's tensors and returns [BT, C, OC]. */
function linearDims(what: string, out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null): [number, number, number] {
  for (const t of [out, inp, weight, bias]) if (t) expectDtype(what, t, 'f32');
  const [BT, C] = rowsCols(inp);
  expectShape(what, weight, [-1, C]);
  const OC = weight.shape[0];
  expectShape(what, out, [...inp.shape.slice(0, -1), OC]);
  if (bias) expectShape(what, bias, [OC]);
  return [BT, C, OC];
}

/** out (…, OC) = inp (…, C) · weightᵀ + bias, weight (OC, C), bias (OC) or null. */
export function matmulForward(gpu: Gpu, out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null): Promise<Dispatch> {
  const [BT, C, OC] = linearDims('matmulForward', out, inp, weight, bias);
  return tiledProduct(gpu, 'matmul_forward', out, inp, weight, bias,
    { M: BT, N: OC, K: C, transA: false, transB: true, accumulate: false });
}

/**
 * The backward of matmulForward: dinp = dout · weight (+= with accumulateDinp),
 * dweight += doutᵀ · inp, dbias += Σ_rows dout (when dbias is given). Deterministic.
 */
export async function matmulBackward(
  gpu: Gpu,
  dinp: Tensor,
  dweight: Tensor,
  dbias: Tensor | null,
  dout: Tensor,
  inp: Tensor,
  weight: Tensor,
  opts: MatmulBackwardOptions = {},
): Promise<Dispatch[]> {
  const [BT, C, OC] = linearDims('matmulBackward', dout, inp, weight, dbias);
  expectDtype('matmulBackward', dinp, 'f32');
  expectDtype('matmulBackward', dweight, 'f32');
  expectShape('matmulBackward', dinp, inp.shape);
  expectShape('matmulBackward', dweight, weight.shape);
  const dispatches = [
    await tiledProduct(gpu, 'matmul_backward_dinp', dinp, dout, weight, null,
      { M: BT, N: C, K: OC, transA: false, transB: false, accumulate: opts.accumulateDinp ?? false }),
    await tiledProduct(gpu, 'matmul_backward_dweight', dweight, dout, inp, null,
      { M: OC, N: C, K: BT, transA: true, transB: false, accumulate: true }),
  ];
  if (dbias) {
    const u = createUniform(gpu, 'matmul_backward_dbias.params', [['u32', BT], ['u32', OC], ['u32', 0], ['u32', 0]]);
    dispatches.push(await makeDispatch(gpu, 'matmul_backward_dbias',
      { shader, entryPoint: 'matmul_bias_backward', constants: BIAS },
      [dbias, dout, null, null, u], grid1d(gpu, ceilDiv(OC, BIAS.BIAS_COLS))));
  }
  return dispatches;
}

/** Same contract as matmulForward, computed by the one-output-per-invocation baseline. */
export function matmulPlainForward(gpu: Gpu, out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null): Promise<Dispatch> {
  const [BT, C, OC] = linearDims('matmulPlainForward', out, inp, weight, bias);
  const u = createUniform(gpu, 'matmul_plain.params', [['u32', BT], ['u32', OC], ['u32', C]]);
  return makeDispatch(gpu, 'matmul_plain_forward',
    { shader: plainShader, entryPoint: 'matmul_plain_forward', constants: { WG: PLAIN_WG, HAS_BIAS: Number(bias !== null) } },
    [out, inp, weight, bias ?? gpu.dummyBuffer(), u], grid1d(gpu, ceilDiv(BT * OC, PLAIN_WG)));
}
