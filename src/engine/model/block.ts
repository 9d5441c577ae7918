// One transformer block's forward, shared by the full-sequence plan and the one-position
// decoder: the same kernels in the same order, with the attention call left to the caller
// (full causal attention, or a single query against the KV cache).
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import type { KernelConfig } from '../kernels/config';
import { layernormForward } from '../kernels/layernorm';
import { matmulForward } from '../kernels/matmul';
import type { LayerAct } from '../../core/activations';
import { SITE_ATTN, SITE_MLP } from '../../core/inspect';
import type { HalfWeights } from './half-weights';
import type { ModelWeights } from './weights';

export interface BlockForward {
  /** Up to and including qkv = c_attn(...) (B,T,3C). */
  beforeAttention: Dispatch[];
  /** The attention call and everything after it in the block. */
  fromAttention: Dispatch[];
  /** The block's output: the residual stream entering the next block. */
  out: Tensor;
}

/**
 * Interventions (core/inspect.ts) in one block: dispatches that change a site in place right
 * after it is written, before anything reads it.
 */
export interface BlockInterventions {
  /** The heads' outputs atty (B,T,C), before c_proj. */
  heads(atty: Tensor): Promise<Dispatch>;
  /** A sublayer's contribution (SITE_ATTN: y = residual2; SITE_MLP: y = residual3): y = base + f(y − base). */
  delta(site: typeof SITE_ATTN | typeof SITE_MLP, y: Tensor, base: Tensor): Promise<Dispatch>;
}

/** The tensor a block's output is written to: the residual stream entering the next block. */
export function blockOutput(c: { norm: 'pre' | 'post' }, a: (name: LayerAct) => Tensor): Tensor {
  return c.norm === 'pre' ? a('residual3') : a('ln2');
}

/**
 * Seven dispatches (pre-LN) plus attention: the bias, the activation and both residual adds
 * are epilogues of the linear layers' matmuls. With `intervene`, three more: on the heads'
 * outputs after the attention, and on each sublayer's output after its residual add.
 * pre-LN:  x2 = x + proj(attn(LN1(x)));  out = x2 + fc2(act(fc(LN2(x2))))
 * post-LN: h = LN1(x + proj(attn(x)));   out = LN2(h + fc2(act(fc(h))))
 */
export async function blockForward(
  gpu: Gpu,
  kernelConfig: KernelConfig,
  weights: ModelWeights,
  l: number,
  x: Tensor,
  a: (name: LayerAct) => Tensor,
  attention: (atty: Tensor, qkv: Tensor) => Promise<Dispatch[]>,
  half?: HalfWeights,
  intervene?: BlockInterventions,
): Promise<BlockForward> {
  const c = weights.config;
  const h = (n: string) => weights.get('params', `transformer.h.${l}.${n}`);
  // With `half`, the linear layers read f16 copies of their weights.
  const hw = (n: string) => (half ? { halfWeight: half.view(`transformer.h.${l}.${n}`) } : {});
  const pre = c.norm === 'pre';
  const before: Promise<Dispatch>[] = [];
  if (pre) before.push(layernormForward(gpu, kernelConfig, a('ln1'), a('ln1Mean'), a('ln1Rstd'), x, h('ln_1.weight'), h('ln_1.bias')));
  before.push(matmulForward(gpu, kernelConfig, a('qkv'), pre ? a('ln1') : x, h('attn.c_attn.weight'), h('attn.c_attn.bias'), hw('attn.c_attn.weight'))); // (B,T,3C)
  const after: Promise<Dispatch | Dispatch[]>[] = [];
  after.push(attention(a('atty'), a('qkv'))); // (B,T,C)
  if (intervene) after.push(intervene.heads(a('atty')));
  // residual2 = x + atty·Wᵀ + b: the residual add fused into the projection.
  after.push(matmulForward(gpu, kernelConfig, a('residual2'), a('atty'), h('attn.c_proj.weight'), h('attn.c_proj.bias'), { residual: x, ...hw('attn.c_proj.weight') }));
  if (intervene) after.push(intervene.delta(SITE_ATTN, a('residual2'), x));
  if (pre) after.push(layernormForward(gpu, kernelConfig, a('ln2'), a('ln2Mean'), a('ln2Rstd'), a('residual2'), h('ln_2.weight'), h('ln_2.bias')));
  else after.push(layernormForward(gpu, kernelConfig, a('ln1'), a('ln1Mean'), a('ln1Rstd'), a('residual2'), h('ln_1.weight'), h('ln_1.bias')));
  const mlpIn = pre ? a('ln2') : a('ln1');
  // fch = mlpIn·Wᵀ + b (kept for the backward) and fchAct = act(fch), in one dispatch. (B,T,4C)
  after.push(matmulForward(gpu, kernelConfig, a('fch'), mlpIn, h('mlp.c_fc.weight'), h('mlp.c_fc.bias'),
    { activation: { act: c.activation, activated: a('fchAct') }, ...hw('mlp.c_fc.weight') }));
  // residual3 = (residual2 or ln1) + fchAct·Wᵀ + b. (B,T,C)
  after.push(matmulForward(gpu, kernelConfig, a('residual3'), a('fchAct'), h('mlp.c_proj.weight'), h('mlp.c_proj.bias'),
    { residual: pre ? a('residual2') : a('ln1'), ...hw('mlp.c_proj.weight') }));
  if (intervene) after.push(intervene.delta(SITE_MLP, a('residual3'), pre ? a('residual2') : a('ln1')));
  if (!pre) after.push(layernormForward(gpu, kernelConfig, a('ln2'), a('ln2Mean'), a('ln2Rstd'), a('residual3'), h('ln_2.weight'), h('ln_2.bias')));
  return {
    beforeAttention: await Promise.all(before),
    fromAttention: (await Promise.all(after)).flat(),
    out: blockOutput(c, a),
  };
}
