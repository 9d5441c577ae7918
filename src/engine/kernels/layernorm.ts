// layernorm.wgsl: LayerNorm over the last dimension, forward and backward.
import { LAYERNORM_ROWS_PER_BLOCK, layernormPartialsShape } from '../../core/activations';
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, rowsCols, shapeStr, type Tensor } from '../gpu/tensor';
import type { KernelConfig } from './config';
import { shaderSource } from './shaders';
import { rowReduction, type RowReductionOptions } from './subgroups';

const shaders = { workgroup: shaderSource('layernorm.wgsl'), subgroup: shaderSource('layernorm.wgsl', { subgroups: true }) };
/** Channels per workgroup of the parameter-gradient passes (no barriers there). */
const CHANNEL_WG = 64;
/** Rows per block of the parameter-gradient reduction. */
const RB = LAYERNORM_ROWS_PER_BLOCK;

/** workgroupSize: invocations per row of the forward and of dinp, by default the configuration's. */
export type LayernormOptions = RowReductionOptions;

interface RowPlan {
  WG: number;
  shader: typeof shaders.workgroup;
}

function rowPlan(what: string, gpu: Gpu, kernelConfig: KernelConfig, opts: LayernormOptions): RowPlan {
  const r = rowReduction(what, gpu, kernelConfig, kernelConfig.rowWorkgroups.layernorm, opts);
  return { WG: r.WG, shader: r.subgroups ? shaders.subgroup : shaders.workgroup };
}

/**
 * mean and rstd hold one value per row: shaped as the leading dims of inp, e.g. (B, T), or
 * flat (rows).
 */
function expectRows(what: string, t: Tensor, inp: Tensor, rows: number): void {
  const lead = inp.shape.slice(0, -1);
  const ok = (a: readonly number[]) => a.length === t.shape.length && a.every((d, i) => d === t.shape[i]);
  if (!ok(lead) && !ok([rows])) {
    throw new ShapeError(`${what}: expected ${t.label} of shape ${shapeStr(lead)} or (${rows}), got ${shapeStr(t.shape)}`);
  }
}

function check(what: string, inp: Tensor, others: Tensor[]): [number, number] {
  for (const t of [inp, ...others]) expectDtype(what, t, 'f32');
  const [rows, C] = rowsCols(inp);
  if (C < 1 || rows < 1) throw new ShapeError(`${what}: ${inp.label} of shape ${shapeStr(inp.shape)} is empty`);
  return [rows, C];
}

/**
 * out = (inp − mean)·rstd·weight + bias over the last dimension C, with mean and
 * rstd = 1/√(var + 1e-5) saved for the backward.
 * out, inp (…, C); mean, rstd (…) or (rows); weight, bias (C).
 */
export function layernormForward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  out: Tensor,
  mean: Tensor,
  rstd: Tensor,
  inp: Tensor,
  weight: Tensor,
  bias: Tensor,
  opts: LayernormOptions = {},
): Promise<Dispatch> {
  const what = 'layernormForward';
  const [rows, C] = check(what, inp, [out, mean, rstd, weight, bias]);
  expectShape(what, out, inp.shape);
  expectRows(what, mean, inp, rows);
  expectRows(what, rstd, inp, rows);
  expectShape(what, weight, [C]);
  expectShape(what, bias, [C]);
  const { WG, shader } = rowPlan(what, gpu, kernelConfig, opts);
  const u = createUniform(gpu, 'layernorm.params', [['u32', rows], ['u32', C], ['u32', 0]]);
  return makeDispatch(gpu, 'layernorm_forward', { shader, entryPoint: 'layernorm_forward', constants: { WG } },
    [out, mean, rstd, inp, weight, bias, u], grid1d(gpu, rows));
}

export interface LayernormBackwardOptions extends LayernormOptions {
  /** dinp += the gradient instead of dinp = (the residual stream sums its branches). */
  accumulateDinp?: boolean;
  /**
   * Scratch for the partial sums, layernormPartialsShape(rows, C): a plan shares one between
   * its LayerNorms, which run one after another. Without it the call allocates its own from
   * `gpu`'s scope.
   */
  partials?: Tensor;
}

/**
 * The backward of layernormForward: dinp is overwritten (or added to, with accumulateDinp);
 * dweight += Σ_rows dout·x̂ and dbias += Σ_rows dout, reduced in a fixed order (deterministic).
 * The partial sums (2·⌈rows/32⌉·C floats) go to opts.partials or a scratch buffer of its own.
 */
export async function layernormBackward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  dinp: Tensor,
  dweight: Tensor,
  dbias: Tensor,
  dout: Tensor,
  inp: Tensor,
  weight: Tensor,
  mean: Tensor,
  rstd: Tensor,
  opts: LayernormBackwardOptions = {},
): Promise<Dispatch[]> {
  const what = 'layernormBackward';
  const [rows, C] = check(what, inp, [dinp, dweight, dbias, dout, weight, mean, rstd]);
  expectShape(what, dinp, inp.shape);
  expectShape(what, dout, inp.shape);
  expectShape(what, dweight, [C]);
  expectShape(what, dbias, [C]);
  expectShape(what, weight, [C]);
  expectRows(what, mean, inp, rows);
  expectRows(what, rstd, inp, rows);

  const { WG, shader } = rowPlan(what, gpu, kernelConfig, opts);
  const plain = shaders.workgroup; // the parameter-gradient passes have no row sums
  const nblocks = ceilDiv(rows, RB);
  const u = createUniform(gpu, 'layernorm.params', [['u32', rows], ['u32', C], ['u32', nblocks]]);
  const partialsShape = layernormPartialsShape(rows, C);
  if (opts.partials) expectShape(what, opts.partials, partialsShape);
  const scratch = opts.partials ?? gpu.buffers.create({ label: 'layernorm.scratch', size: 2 * nblocks * C * 4, usage: GPUBufferUsage.STORAGE });
  const accumulate = opts.accumulateDinp ?? false;
  const cblocks = ceilDiv(C, CHANNEL_WG);
  return Promise.all([
    makeDispatch(gpu, 'layernorm_backward_dinp',
      { shader, entryPoint: 'layernorm_backward_dinp', constants: { WG, ACCUMULATE: accumulate ? 1 : 0 } },
      [dinp, null, null, dout, inp, weight, mean, rstd, null, u], grid1d(gpu, rows)),
    makeDispatch(gpu, 'layernorm_backward_partials',
      { shader: plain, entryPoint: 'layernorm_backward_partials', constants: { WG: CHANNEL_WG, RB } },
      [null, null, null, dout, inp, null, mean, rstd, scratch, u], grid1d(gpu, cblocks * nblocks)),
    makeDispatch(gpu, 'layernorm_backward_params',
      { shader: plain, entryPoint: 'layernorm_backward_params', constants: { WG: CHANNEL_WG } },
      [null, dweight, dbias, null, null, null, null, null, scratch, u], grid1d(gpu, cblocks)),
  ]);
}
