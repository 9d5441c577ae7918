// crossentropy.wgsl: fused softmax cross-entropy (forward, backward) and the mean loss.
import type { Gpu } from '../gpu/device';
import { createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, numel, type Tensor } from '../gpu/tensor';
import type { KernelConfig } from './config';
import { shaderSource } from './shaders';
import { rowReduction, type RowReductionOptions } from './subgroups';

const shaders = { workgroup: shaderSource('crossentropy.wgsl'), subgroup: shaderSource('crossentropy.wgsl', { subgroups: true }) };

/** workgroupSize: invocations per row (a power of two), from the configuration and V when absent. */
export type CrossentropyOptions = RowReductionOptions;

/**
 * Invocations per row of V logits: doubled from the configuration's min until each has about
 * logitsPerInvocation logits, at most max (why those numbers: engine/tune/defaults.ts).
 */
export function crossentropyWorkgroupSize(kernelConfig: KernelConfig, V: number): number {
  const { min, max, logitsPerInvocation } = kernelConfig.rowWorkgroups.crossentropy;
  let wg = min;
  while (wg < max && wg * logitsPerInvocation < V) wg *= 2;
  return wg;
}

function rowPlan(what: string, gpu: Gpu, kernelConfig: KernelConfig, V: number, opts: CrossentropyOptions) {
  const r = rowReduction(what, gpu, kernelConfig, crossentropyWorkgroupSize(kernelConfig, V), opts);
  const max = Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
  if (!Number.isInteger(Math.log2(r.WG)) || r.WG > max) {
    throw new RangeError(`${what}: workgroupSize must be a power of two ≤ ${max}, got ${r.WG}`);
  }
  return { WG: r.WG, shader: r.subgroups ? shaders.subgroup : shaders.workgroup };
}

function params(gpu: Gpu, rows: number, V: number, scale = 0): GPUBuffer {
  return createUniform(gpu, 'crossentropy.params', [['u32', rows], ['u32', V], ['f32', scale]]);
}

/** Checks logits (..., V) f32 against targets (...) u32 and returns [rows, V]. */
function checkRows(what: string, logits: Tensor, targets: Tensor): [number, number] {
  expectDtype(what, logits, 'f32');
  expectDtype(what, targets, 'u32');
  expectShape(what, logits, [...targets.shape, -1]);
  const V = logits.shape[logits.shape.length - 1];
  if (V < 1) throw new ShapeError(`${what}: ${logits.label} has an empty vocabulary`);
  return [numel(targets.shape), V];
}

/**
 * losses[p] = logsumexp(logits[p,:]) − logits[p, targets[p]] (max-subtracted), one workgroup
 * per row. A target ≥ V gives a NaN loss.
 */
export function crossentropyForward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  losses: Tensor, // (B, T)
  logits: Tensor, // (B, T, V)
  targets: Tensor, // (B, T) u32
  opts: CrossentropyOptions = {},
): Promise<Dispatch> {
  const what = 'crossentropyForward';
  const [rows, V] = checkRows(what, logits, targets);
  expectDtype(what, losses, 'f32');
  expectShape(what, losses, targets.shape);
  const { WG, shader } = rowPlan(what, gpu, kernelConfig, V, opts);
  return makeDispatch(gpu, 'crossentropy_forward', { shader, entryPoint: 'crossentropy_forward', constants: { WG } },
    [losses, logits, targets, params(gpu, rows, V)], grid1d(gpu, rows));
}

/**
 * dlogits = (softmax(logits) − onehot(targets))·scale, overwritten; scale is 1/(B·T) for a
 * mean loss and is fixed when the dispatch is built. dlogits must not alias logits.
 */
export function crossentropyBackward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  dlogits: Tensor, // (B, T, V)
  logits: Tensor, // (B, T, V)
  targets: Tensor, // (B, T) u32
  scale: number,
  opts: CrossentropyOptions = {},
): Promise<Dispatch> {
  const what = 'crossentropyBackward';
  const [rows, V] = checkRows(what, logits, targets);
  expectDtype(what, dlogits, 'f32');
  expectShape(what, dlogits, logits.shape);
  if (!Number.isFinite(scale)) throw new RangeError(`${what}: scale must be finite, got ${scale}`);
  const { WG, shader } = rowPlan(what, gpu, kernelConfig, V, opts);
  return makeDispatch(gpu, 'crossentropy_backward', { shader, entryPoint: 'crossentropy_backward', constants: { WG } },
    [dlogits, logits, targets, params(gpu, rows, V, scale)], grid1d(gpu, rows));
}

/** out[0] = mean of every element of losses (any length), in a fixed order by one workgroup. */
export function crossentropyMean(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  out: Tensor, // (1)
  losses: Tensor, // (B, T)
  opts: CrossentropyOptions = {},
): Promise<Dispatch> {
  const what = 'crossentropyMean';
  expectDtype(what, out, 'f32');
  expectShape(what, out, [1]);
  expectDtype(what, losses, 'f32');
  const n = numel(losses.shape);
  if (n < 1) throw new ShapeError(`${what}: ${losses.label} is empty`);
  // One workgroup sums every loss by its own tree: no row reduction to do with subgroups.
  const { WG, shader } = rowPlan(what, gpu, kernelConfig, n, { ...opts, subgroups: false });
  return makeDispatch(gpu, 'crossentropy_mean', { shader, entryPoint: 'crossentropy_mean', constants: { WG } },
    [out, losses, null, params(gpu, n, 0)], [1, 1, 1]);
}
