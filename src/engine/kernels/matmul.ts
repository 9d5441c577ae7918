// matmul.wgsl (tiled, register-blocked, vec4-staged; a few-row variant; fused epilogues),
// matmul_lanes.wgsl (the same product by one subgroup per workgroup, for software adapters) and
// matmul_plain.wgsl (the benchmark's baseline): linear layers y = x·Wᵀ + b with W (OC, C) as
// in nn.Linear, and their backward.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { expectDtype, expectShape, rowsCols, type Tensor } from '../gpu/tensor';
import { tileForShape, type KernelConfig, type MatmulTile } from './config';
import { shaderSource } from './shaders';

const shader = shaderSource('matmul.wgsl');
const lanesShader = shaderSource('matmul_lanes.wgsl', { subgroups: true });
/** matmul_lanes.wgsl's tile: 16 rows × 32 columns per workgroup of 4 lanes. */
const LANES_TILE = { BM: 16, BN: 32 };
const plainShader = shaderSource('matmul_plain.wgsl');

const BIAS = { BIAS_COLS: 64, BIAS_SLICES: 4 };
const PLAIN_WG = 64;
/** Products with at most this many rows use matmul_rows (one column per invocation). */
export const ROWS_MAX = 4;
const ROWS_WG = 64;

export type Activation = 'gelu' | 'relu';

/** What happens to v = product + bias before it is stored; see matmul.wgsl. */
export type Epilogue =
  | { kind: 'none'; accumulate?: boolean }
  /** out = v (the pre-activation), activated = act(v). */
  | { kind: 'activation'; act: Activation; activated: Tensor }
  /** out = residual + v. */
  | { kind: 'residual'; residual: Tensor }
  /** out = v · act′(pre): v is the gradient of act's output, pre the pre-activation. */
  | { kind: 'activationBackward'; act: Activation; pre: Tensor };

const EPILOGUE_CODE = { none: 0, activation: 1, residual: 2, activationBackward: 3 } as const;

export interface MatmulBackwardOptions {
  /** Add into dinp instead of overwriting it (when another branch already wrote it). */
  accumulateDinp?: boolean;
  /**
   * dinp = (dout · W) · act′(pre): the layer's input was act(pre), and dinp is the gradient
   * of pre (the activation's backward fused into this product).
   */
  activationBackward?: { act: Activation; pre: Tensor };
  /** Tile for the tiled products (default: the configuration's for each product's shape). */
  tile?: MatmulTile;
}

/** A weight stored as packed binary16 (half.ts): the whole packed buffer and the weight's first element in it. */
export interface HalfView {
  buffer: GPUBuffer;
  elemOffset: number;
}

export interface MatmulForwardOptions {
  /**
   * Read the weight from this f16 copy instead of `weight` (which still gives the shape):
   * inference with half-precision weights.
   */
  halfWeight?: HalfView;
  /** out = pre-activation, activated = act(out) (the layer's activation fused in). */
  activation?: { act: Activation; activated: Tensor };
  /** out = residual + inp · Wᵀ + b (the residual connection fused in). */
  residual?: Tensor;
  tile?: MatmulTile;
}

interface Product {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  epilogue: Epilogue;
  tile?: MatmulTile;
  halfB?: HalfView;
  /** matmul_lanes with transA only: also dbias (M) += each row of A summed over k. */
  biasGrad?: Tensor;
}

/** The epilogue's bindings (aux, out2) and overrides. */
function epilogueParts(gpu: Gpu, e: Epilogue, outShape: readonly number[], what: string) {
  const act = 'act' in e ? Number(e.act === 'relu') : 0;
  let aux: Tensor | GPUBuffer = gpu.dummyBuffer();
  let out2: Tensor | GPUBuffer = gpu.dummyBuffer('read_write');
  if (e.kind === 'activation') {
    expectShape(what, e.activated, outShape);
    out2 = e.activated;
  } else if (e.kind === 'residual') {
    expectShape(what, e.residual, outShape);
    aux = e.residual;
  } else if (e.kind === 'activationBackward') {
    expectShape(what, e.pre, outShape);
    aux = e.pre;
  }
  const constants = {
    EPILOGUE: EPILOGUE_CODE[e.kind],
    ACT: act,
    ACCUMULATE: Number(e.kind === 'none' && (e.accumulate ?? false)),
  };
  return { aux, out2, constants };
}

/** c (M, N) = op(a) · op(b) [+ bias] through the epilogue: one dispatch. */
function product(gpu: Gpu, kernelConfig: KernelConfig, label: string, c: Tensor, a: Tensor, b: Tensor, bias: Tensor | null,
  d: Product): Promise<Dispatch> {
  const ep = epilogueParts(gpu, d.epilogue, c.shape, label);
  const common = { TRANS_A: Number(d.transA), TRANS_B: Number(d.transB), HAS_BIAS: Number(bias !== null),
    B_F16: Number(d.halfB !== undefined), ...ep.constants };
  // Unused optional inputs are still statically referenced by the kernel, so something must be bound.
  const bind = (u: GPUBuffer): (Tensor | GPUBuffer | null)[] => [c, a, d.halfB?.buffer ?? b, bias ?? gpu.dummyBuffer(), u, ep.aux, ep.out2];
  const boff = d.halfB?.elemOffset ?? 0;
  if (d.M <= ROWS_MAX && !d.transA) {
    const u = createUniform(gpu, `${label}.params`, [['u32', d.M], ['u32', d.N], ['u32', d.K], ['u32', 0], ['u32', boff]]);
    return makeDispatch(gpu, label, { shader, entryPoint: 'matmul_rows', constants: { ...common, ROWS_MAX: d.M, ROWS_WG } },
      bind(u), grid1d(gpu, ceilDiv(d.N, ROWS_WG)));
  }
  if (!d.tile && kernelConfig.matmul.lanes) {
    const tilesN = ceilDiv(d.N, LANES_TILE.BN);
    const u = createUniform(gpu, `${label}.params`, [['u32', d.M], ['u32', d.N], ['u32', d.K], ['u32', tilesN], ['u32', boff]]);
    return makeDispatch(gpu, label, { shader: lanesShader, entryPoint: 'matmul_lanes', constants: { ...common, BIAS_GRAD: Number(!!d.biasGrad) } },
      [...bind(u), d.biasGrad ?? gpu.dummyBuffer('read_write', 1)], grid1d(gpu, ceilDiv(d.M, LANES_TILE.BM) * tilesN));
  }
  const tile = d.tile ?? tileForShape(kernelConfig.matmul, d.M, d.N);
  const tilesN = ceilDiv(d.N, tile.BN);
  const tiles = ceilDiv(d.M, tile.BM) * tilesN;
  const u = createUniform(gpu, `${label}.params`, [['u32', d.M], ['u32', d.N], ['u32', d.K], ['u32', tilesN], ['u32', boff]]);
  return makeDispatch(gpu, label, { shader, entryPoint: 'matmul', constants: { ...common, ...tile } },
    bind(u), grid1d(gpu, tiles));
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

/**
 * out (…, OC) = inp (…, C) · weightᵀ + bias, weight (OC, C), bias (OC) or null; with
 * opts.activation also activated = act(out), with opts.residual out = residual + ….
 */
export function matmulForward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  out: Tensor,
  inp: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: MatmulForwardOptions = {},
): Promise<Dispatch> {
  const [BT, C, OC] = linearDims('matmulForward', out, inp, weight, bias);
  if (opts.activation && opts.residual) throw new Error('matmulForward: one epilogue at a time (activation or residual)');
  const epilogue: Epilogue = opts.activation
    ? { kind: 'activation', ...opts.activation }
    : opts.residual
      ? { kind: 'residual', residual: opts.residual }
      : { kind: 'none' };
  return product(gpu, kernelConfig, 'matmul_forward', out, inp, weight, bias,
    { M: BT, N: OC, K: C, transA: false, transB: true, epilogue, tile: opts.tile, halfB: opts.halfWeight });
}

/**
 * The backward of matmulForward: dinp = dout · weight (+= with accumulateDinp; times act′(pre)
 * with activationBackward), dweight += doutᵀ · inp, dbias += Σ_rows dout (when dbias is
 * given; summed by the dweight product under matmul_lanes, else its own pass). Deterministic.
 */
export async function matmulBackward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
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
  if (opts.activationBackward && opts.accumulateDinp) throw new Error('matmulBackward: activationBackward cannot accumulate into dinp');
  const dinpEpilogue: Epilogue = opts.activationBackward
    ? { kind: 'activationBackward', ...opts.activationBackward }
    : { kind: 'none', accumulate: opts.accumulateDinp ?? false };
  // matmul_lanes sums dbias while it computes dweight (it reads every row of dout in full).
  const fuseBias = dbias !== null && kernelConfig.matmul.lanes && !opts.tile;
  const dispatches = await Promise.all([
    product(gpu, kernelConfig, 'matmul_backward_dinp', dinp, dout, weight, null,
      { M: BT, N: C, K: OC, transA: false, transB: false, epilogue: dinpEpilogue, tile: opts.tile }),
    product(gpu, kernelConfig, 'matmul_backward_dweight', dweight, dout, inp, null,
      { M: OC, N: C, K: BT, transA: true, transB: false, epilogue: { kind: 'none', accumulate: true }, tile: opts.tile,
        ...(fuseBias ? { biasGrad: dbias } : {}) }),
  ]);
  if (dbias && !fuseBias) {
    const u = createUniform(gpu, 'matmul_backward_dbias.params', [['u32', BT], ['u32', OC], ['u32', 0], ['u32', 0], ['u32', 0]]);
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
