// attention_decode.wgsl: one query (the newest position) against the KV cache.
import type { Gpu } from '../gpu/device';
import { createUniform, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, type Tensor } from '../gpu/tensor';
import type { KernelConfig } from './config';
import { shaderSource } from './shaders';
import { rowReduction, type RowReductionOptions } from './subgroups';

const shaders = { workgroup: shaderSource('attention_decode.wgsl'), subgroup: shaderSource('attention_decode.wgsl', { subgroups: true }) };
/** Workgroup memory holds one f32 score per cached key. */
export const MAX_DECODE_T = 4096;

/**
 * out (1, C) = causal attention of cache row t (t = position[0], read when the dispatch runs)
 * over cache rows 0..t. cache is (T, 3C) or (1, T, 3C) in the c_attn layout q | k | v.
 */
export function attentionDecode(gpu: Gpu, kernelConfig: KernelConfig, out: Tensor, cache: Tensor, position: Tensor,
  opts: { nHead: number } & RowReductionOptions): Promise<Dispatch> {
  const what = 'attentionDecode';
  expectShape(what, out, [1, -1]);
  const C = out.shape[1];
  const T = cache.shape.length === 3 ? cache.shape[1] : cache.shape[0];
  expectShape(what, cache, cache.shape.length === 3 ? [1, T, 3 * C] : [T, 3 * C]);
  expectDtype(what, position, 'u32');
  expectShape(what, position, [1]);
  const NH = opts.nHead;
  if (C % NH !== 0) throw new ShapeError(`${what}: C=${C} is not divisible by nHead=${NH}`);
  if (T > MAX_DECODE_T) throw new ShapeError(`${what}: a cache of ${T} positions exceeds ${MAX_DECODE_T}`);
  const hs = C / NH;
  const u = createUniform(gpu, 'attention_decode.params', [['u32', T], ['u32', C], ['u32', NH], ['u32', hs], ['f32', 1 / Math.sqrt(hs)]]);
  // The configuration's invocations per head without subgroups; with them, one subgroup.
  const r = rowReduction(what, gpu, kernelConfig, kernelConfig.rowWorkgroups.attentionDecode, opts);
  const shader = r.subgroups ? shaders.subgroup : shaders.workgroup;
  return makeDispatch(gpu, 'attention_decode', { shader, entryPoint: 'attention_decode', constants: { WG: r.WG, MAX_T: T } },
    [out, cache, u, position], [NH, 1, 1]);
}
