// The parameter table: every tensor's nanoGPT state_dict name and shape, in the order they
// are laid out in the one flat parameter buffer. Tensors that take weight decay (the 2-D
// weights) come first, so AdamW decays exactly the elements below one offset.
import type { GPTConfig } from './config';
import { Rng } from './rng';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Weight decay applies (2-D weights, as nanoGPT's configure_optimizers decides). */
  decay: boolean;
  init: 'normal' | 'residual-normal' | 'zeros' | 'ones';
}

const blockPrefix = (l: number) => `transformer.h.${l}`;

/** The parameter tensors of the model, decayed ones first; the LM head is tied to wte. */
export function paramSpecs(c: GPTConfig): ParamSpec[] {
  const C = c.nEmbd;
  const weights: ParamSpec[] = [{ name: 'transformer.wte.weight', shape: [c.vocabSize, C], decay: true, init: 'normal' }];
  if (c.positions === 'learned') {
    weights.push({ name: 'transformer.wpe.weight', shape: [c.blockSize, C], decay: true, init: 'normal' });
  }
  const others: ParamSpec[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const p = blockPrefix(l);
    weights.push(
      { name: `${p}.attn.c_attn.weight`, shape: [3 * C, C], decay: true, init: 'normal' },
      { name: `${p}.attn.c_proj.weight`, shape: [C, C], decay: true, init: 'residual-normal' },
      { name: `${p}.mlp.c_fc.weight`, shape: [4 * C, C], decay: true, init: 'normal' },
      { name: `${p}.mlp.c_proj.weight`, shape: [C, 4 * C], decay: true, init: 'residual-normal' },
    );
    others.push(
      { name: `${p}.ln_1.weight`, shape: [C], decay: false, init: 'ones' },
      { name: `${p}.ln_1.bias`, shape: [C], decay: false, init: 'zeros' },
      { name: `${p}.attn.c_attn.bias`, shape: [3 * C], decay: false, init: 'zeros' },
      { name: `${p}.attn.c_proj.bias`, shape: [C], decay: false, init: 'zeros' },
      { name: `${p}.ln_2.weight`, shape: [C], decay: false, init: 'ones' },
      { name: `${p}.ln_2.bias`, shape: [C], decay: false, init: 'zeros' },
      { name: `${p}.mlp.c_fc.bias`, shape: [4 * C], decay: false, init: 'zeros' },
      { name: `${p}.mlp.c_proj.bias`, shape: [C], decay: false, init: 'zeros' },
    );
  }
  // Post-LN blocks end in a LayerNorm already; only pre-LN needs the final one.
  if (c.norm === 'pre') {
    others.push(
      { name: 'transformer.ln_f.weight', shape: [C], decay: false, init: 'ones' },
      { name: 'transformer.ln_f.bias', shape: [C], decay: false, init: 'zeros' },
    );
  }
  return [...weights, ...others];
}

export const numElements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Number of trainable parameters (the tied LM head counted once). */
export function countParams(c: GPTConfig): number {
  return paramSpecs(c).reduce((s, p) => s + numElements(p.shape), 0);
}

export interface ParamLayoutEntry extends ParamSpec {
  /** Offset in elements (f32) into the flat buffer; multiples of alignElems. */
  offset: number;
  size: number;
}

export interface ParamLayout {
  entries: ParamLayoutEntry[];
  byName: Map<string, ParamLayoutEntry>;
  /** Total elements including alignment padding. */
  totalElems: number;
  /** Elements with index < decayEnd take weight decay. */
  decayEnd: number;
}

/** Lays the tensors out in one flat buffer, each at an offset aligned to `alignBytes`. */
export function paramLayout(c: GPTConfig, alignBytes = 256): ParamLayout {
  const alignElems = alignBytes / 4;
  let offset = 0;
  let decayEnd = 0;
  const entries: ParamLayoutEntry[] = [];
  for (const spec of paramSpecs(c)) {
    offset = Math.ceil(offset / alignElems) * alignElems;
    const size = numElements(spec.shape);
    entries.push({ ...spec, offset, size });
    offset += size;
    if (spec.decay) decayEnd = offset;
  }
  const totalElems = Math.ceil(offset / alignElems) * alignElems;
  return { entries, byName: new Map(entries.map((e) => [e.name, e])), totalElems, decayEnd };
}

/**
 * nanoGPT's initialisation into a flat Float32Array of the layout: weights N(0, 0.02),
 * residual projections N(0, 0.02/√(2L)), biases and LN β zero, LN γ one; padding zero.
 */
export function initParams(c: GPTConfig, layout: ParamLayout, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(layout.totalElems);
  const residualStd = 0.02 / Math.sqrt(2 * c.nLayer);
  for (const e of layout.entries) {
    const view = out.subarray(e.offset, e.offset + e.size);
    if (e.init === 'ones') view.fill(1);
    else if (e.init === 'normal' || e.init === 'residual-normal') {
      const std = e.init === 'normal' ? 0.02 : residualStd;
      for (let i = 0; i < view.length; i++) view[i] = rng.normal() * std;
    }
  }
  return out;
}

/** int8 per-tensor quantised parameters (engine/codecs/quantize.ts), as a share link carries them. */
export interface QuantizedParams {
  /** One step size per tensor, in layout order: value ≈ q · scale. Zero for an all-zero tensor. */
  scales: Float32Array;
  /** The tensors' elements only (no alignment padding), in layout order, each in [-127, 127]. */
  q: Int8Array;
}
