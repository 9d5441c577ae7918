// The whole GPT in float32 on the CPU: the engine of the CPU mode for machines without WebGPU.
// The same flat parameter layout (core/params.ts) and the same composition as the float64
// reference (../ref/model.ts), which is its oracle in the tests; here written for speed:
// activations allocated once for B·T tokens, the products on WebAssembly SIMD (blocked
// JavaScript loops where there is none) with the bias and the residual add fused into them,
// attention that skips the masked half, GELU's backward from a value the forward kept.
import type { GPTConfig } from '../../core/config';
import { paramLayout, type ParamLayout } from '../../core/params';
import { Activations, type LayerActs } from './acts';
import { activationBackward, activationForward } from './activation';
import { attentionBackward, attentionForward, attentionProbs, type AttentionShape } from './attention';
import { crossentropyBackward, crossentropyForward } from './crossentropy';
import { encoderBackward, encoderForward, sinusoidalTable } from './encoder';
import { layernormBackward, layernormForward } from './layernorm';
import { Matmul, matmulBackward, matmulForward } from './matmul';
import { Simd } from './simd';
import { simdAttentionBackward, simdAttentionForward } from './simd-attention';

/** One block's parameter tensors (or their gradients), by role. */
interface BlockTensors {
  ln1w: Float32Array;
  ln1b: Float32Array;
  attnW: Float32Array; // (3C, C)
  attnB: Float32Array;
  projW: Float32Array; // (C, C)
  projB: Float32Array;
  ln2w: Float32Array;
  ln2b: Float32Array;
  fcW: Float32Array; // (4C, C)
  fcB: Float32Array;
  fcProjW: Float32Array; // (C, 4C)
  fcProjB: Float32Array;
}

interface Tensors {
  wte: Float32Array; // (V, C)
  wpe: Float32Array | null; // (maxT, C), learned positions only
  blocks: BlockTensors[];
  lnfw: Float32Array | null;
  lnfb: Float32Array | null;
}

export interface CpuModelOptions {
  /** The parameters' layout alignment (core/params.ts paramLayout); 256 by default. */
  alignBytes?: number;
  /** false: the JavaScript kernels even where WebAssembly SIMD exists (for tests and comparisons). */
  simd?: boolean;
}

export class CpuGPT {
  readonly layout: ParamLayout;
  readonly grads: Float32Array;
  private readonly p: Tensors;
  private readonly g: Tensors;
  /** The position code the encoder adds: wpe, or the sinusoidal table. */
  private readonly positions: Float32Array;
  private acts: Activations | null = null;
  /** The last forward: its shape, tokens and targets (null: no loss, so no backward). */
  private last: { B: number; T: number; tokens: Uint32Array; targets: Uint32Array | null } | null = null;

  /** The products' kernels, kept across reallocations of the activations. */
  private readonly matmul: Matmul;

  /**
   * `params` is used in place, not copied: an optimizer or a restore that writes into it is
   * seen by the next forward, and several models (a worker's, the sampler's) may share it.
   */
  constructor(
    readonly config: GPTConfig,
    readonly params: Float32Array,
    opts: CpuModelOptions = {},
  ) {
    this.layout = paramLayout(config, opts.alignBytes ?? 256);
    this.matmul = new Matmul(opts.simd === false ? null : Simd.create());
    if (params.length !== this.layout.totalElems) {
      throw new Error(`CpuGPT: ${params.length} parameters given, the layout has ${this.layout.totalElems}`);
    }
    this.grads = new Float32Array(this.layout.totalElems);
    this.p = this.tensors(params);
    this.g = this.tensors(this.grads);
    this.positions = this.p.wpe ?? sinusoidalTable(config.blockSize, config.nEmbd);
  }

  /** A view of a parameter (or of its gradient) by state_dict name. */
  param(name: string, of: Float32Array = this.params): Float32Array {
    const e = this.layout.byName.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return of.subarray(e.offset, e.offset + e.size);
  }

  private tensors(of: Float32Array): Tensors {
    const c = this.config;
    const t = (n: string) => this.param(n, of);
    const maybe = (n: string) => (this.layout.byName.has(n) ? t(n) : null);
    return {
      wte: t('transformer.wte.weight'),
      wpe: maybe('transformer.wpe.weight'),
      blocks: Array.from({ length: c.nLayer }, (_, l) => {
        const h = (n: string) => t(`transformer.h.${l}.${n}`);
        return {
          ln1w: h('ln_1.weight'), ln1b: h('ln_1.bias'), attnW: h('attn.c_attn.weight'), attnB: h('attn.c_attn.bias'),
          projW: h('attn.c_proj.weight'), projB: h('attn.c_proj.bias'), ln2w: h('ln_2.weight'), ln2b: h('ln_2.bias'),
          fcW: h('mlp.c_fc.weight'), fcB: h('mlp.c_fc.bias'), fcProjW: h('mlp.c_proj.weight'), fcProjB: h('mlp.c_proj.bias'),
        };
      }),
      lnfw: maybe('transformer.ln_f.weight'),
      lnfb: maybe('transformer.ln_f.bias'),
    };
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /**
   * Activations for at least n tokens, kept for the next calls; never fewer than one block, so
   * that sampling, whose context grows by a token at a time, allocates once.
   */
  private activations(n: number): Activations {
    if (!this.acts || this.acts.capacity < n) this.acts = new Activations(this.config, Math.max(n, this.config.blockSize), this.matmul);
    return this.acts;
  }

  private shape(B: number, T: number): AttentionShape {
    return { B, T, C: this.config.nEmbd, nHead: this.config.nHead, causal: this.config.causal };
  }

  /** A layer's input: the embeddings, or the previous block's output. */
  private inputOf(a: Activations, l: number): Float32Array {
    if (l === 0) return a.encoded;
    const prev = a.layers[l - 1];
    return this.config.norm === 'pre' ? prev.residual3 : prev.ln2;
  }

  /**
   * Runs the model; returns the logits (B,T,V) — a view into the activations, valid until the
   * next forward or backward — and, with targets, the mean loss.
   */
  forward(tokens: Uint32Array, targets: Uint32Array | null, B: number, T: number): { logits: Float32Array; loss: number } {
    const { nLayer: L, nEmbd: C, vocabSize: V, blockSize, activation } = this.config;
    if (T > blockSize) throw new Error(`sequence length ${T} exceeds block size ${blockSize}`);
    const BT = B * T;
    if (tokens.length < BT || (targets && targets.length < BT)) throw new Error(`forward: fewer than B·T = ${BT} tokens`);
    const a = this.activations(BT);
    const pre = this.config.norm === 'pre';
    const shape = this.shape(B, T);
    encoderForward(a.encoded, tokens, this.p.wte, this.positions, B, T, C);
    for (let l = 0; l < L; l++) {
      const w = this.p.blocks[l];
      const x = this.inputOf(a, l);
      const y = a.layers[l];
      if (pre) layernormForward(y.ln1, y.ln1Mean, y.ln1Rstd, x, w.ln1w, w.ln1b, BT, C);
      matmulForward(a.matmul, y.qkv, pre ? y.ln1 : x, w.attnW, w.attnB, BT, C, 3 * C); // (BT, 3C)
      this.attentionForward(a, y, shape); // (BT, C)
      matmulForward(a.matmul, y.residual2, y.atty, w.projW, w.projB, BT, C, C, x); // x + proj(atty)
      if (pre) layernormForward(y.ln2, y.ln2Mean, y.ln2Rstd, y.residual2, w.ln2w, w.ln2b, BT, C);
      else layernormForward(y.ln1, y.ln1Mean, y.ln1Rstd, y.residual2, w.ln1w, w.ln1b, BT, C);
      const mlpIn = pre ? y.ln2 : y.ln1;
      matmulForward(a.matmul, y.fch, mlpIn, w.fcW, w.fcB, BT, C, 4 * C); // (BT, 4C)
      activationForward(activation, y.fchAct, y.fchSig, y.fch, BT * 4 * C);
      matmulForward(a.matmul, y.residual3, y.fchAct, w.fcProjW, w.fcProjB, BT, 4 * C, C, pre ? y.residual2 : y.ln1);
      if (!pre) layernormForward(y.ln2, y.ln2Mean, y.ln2Rstd, y.residual3, w.ln2w, w.ln2b, BT, C);
    }
    const final = this.final(a);
    if (pre) layernormForward(final, a.lnfMean, a.lnfRstd, this.inputOf(a, L), this.p.lnfw!, this.p.lnfb!, BT, C);
    matmulForward(a.matmul, a.logits, final, this.p.wte, null, BT, C, V); // (BT, V), tied to wte
    let loss = NaN;
    if (targets) {
      crossentropyForward(a.losses, a.ceLse, a.logits, targets, BT, V);
      let s = 0;
      for (let i = 0; i < BT; i++) s += a.losses[i];
      loss = s / BT;
    }
    this.last = { B, T, tokens, targets };
    return { logits: a.logits.subarray(0, BT * V), loss };
  }

  /** atty, lse = attention(qkv): on the SIMD kernels where there are some. */
  private attentionForward(a: Activations, y: LayerActs, shape: AttentionShape): void {
    const simd = a.matmul.simd;
    if (simd) simdAttentionForward(simd, y.atty, y.lse, y.qkv, shape);
    else attentionForward(y.atty, y.lse, y.qkv, shape, a.attention);
  }

  /** dqkv from datty. */
  private attentionBackward(a: Activations, y: LayerActs, shape: AttentionShape): void {
    const simd = a.matmul.simd;
    if (simd) simdAttentionBackward(simd, a.dqkv, a.datty, y.qkv, y.atty, y.lse, shape);
    else attentionBackward(a.dqkv, a.datty, y.qkv, y.atty, y.lse, shape, a.attention);
  }

  /** What the LM head reads: lnf (pre-LN) or the last block's output (post-LN). */
  private final(a: Activations): Float32Array {
    return this.config.norm === 'pre' ? a.lnf : this.inputOf(a, this.config.nLayer);
  }

  /** The per-token losses (B·T) of the last forward, which had targets. */
  tokenLosses(): Float32Array {
    if (!this.last?.targets || !this.acts) throw new Error('tokenLosses needs a forward with targets first');
    return this.acts.losses.subarray(0, this.last.B * this.last.T);
  }

  /** Every layer's attention probabilities (B, NH, T, T) for the last forward. */
  attentionProbs(): Float32Array[] {
    const a = this.acts;
    if (!a || !this.last) throw new Error('attentionProbs needs a forward first');
    const { B, T } = this.last;
    const shape = this.shape(B, T);
    return a.layers.map((y) => {
      const probs = new Float32Array(B * this.config.nHead * T * T);
      attentionProbs(probs, y.qkv, y.lse, shape, a.attention);
      return probs;
    });
  }

  /**
   * Adds to grads the gradient of scale·Σ (the last forward's token losses); the default scale
   * 1/(B·T) makes it the gradient of the mean loss. Overwrites the logits with their gradient.
   */
  backward(scale?: number): void {
    const last = this.last;
    const a = this.acts;
    if (!last?.targets || !a) throw new Error('backward needs a forward with targets first');
    const { nLayer: L, nEmbd: C, vocabSize: V } = this.config;
    const { B, T, tokens, targets } = last;
    const BT = B * T;
    const pre = this.config.norm === 'pre';
    const mm = a.matmul;
    crossentropyBackward(a.logits, a.logits, a.ceLse, targets, scale ?? 1 / BT, BT, V);
    // dres: the gradient of the residual stream entering the part being processed
    const dfinal = pre ? a.dln : a.dres;
    matmulBackward(mm, dfinal, this.g.wte, null, a.logits, this.final(a), this.p.wte, BT, C, V);
    if (pre) {
      layernormBackward(a.dres, this.g.lnfw!, this.g.lnfb!, dfinal, this.inputOf(a, L), this.p.lnfw!, a.lnfMean, a.lnfRstd, BT, C, a.layernorm);
    }
    for (let l = L - 1; l >= 0; l--) this.blockBackward(a, l, B, T);
    encoderBackward(this.g.wte, this.g.wpe, a.dres, tokens, B, T, C);
  }

  /** One block's backward: a.dres holds d(output) on entry and d(input) on exit. */
  private blockBackward(a: Activations, l: number, B: number, T: number): void {
    const { nEmbd: C, activation } = this.config;
    const BT = B * T;
    const w = this.p.blocks[l];
    const g = this.g.blocks[l];
    const y: LayerActs = a.layers[l];
    const x = this.inputOf(a, l);
    const { dres, dln, datty, dqkv, dfch, dfchAct, matmul: mm, layernorm: ln } = a;
    const shape = this.shape(B, T);
    if (this.config.norm === 'pre') {
      // residual3 = residual2 + mlp(ln2(residual2)): dres is d residual3, and d residual2 so far
      matmulBackward(mm, dfchAct, g.fcProjW, g.fcProjB, dres, y.fchAct, w.fcProjW, BT, 4 * C, C);
      activationBackward(activation, dfch, y.fch, y.fchSig, dfchAct, BT * 4 * C);
      matmulBackward(mm, dln, g.fcW, g.fcB, dfch, y.ln2, w.fcW, BT, C, 4 * C);
      layernormBackward(dres, g.ln2w, g.ln2b, dln, y.residual2, w.ln2w, y.ln2Mean, y.ln2Rstd, BT, C, ln, { accumulateDinp: true });
      // residual2 = input + attn(ln1(input))
      matmulBackward(mm, datty, g.projW, g.projB, dres, y.atty, w.projW, BT, C, C);
      this.attentionBackward(a, y, shape);
      matmulBackward(mm, dln, g.attnW, g.attnB, dqkv, y.ln1, w.attnW, BT, C, 3 * C);
      layernormBackward(dres, g.ln1w, g.ln1b, dln, x, w.ln1w, y.ln1Mean, y.ln1Rstd, BT, C, ln, { accumulateDinp: true });
    } else {
      // ln2 = LN(residual3), residual3 = ln1 + mlp(ln1), ln1 = LN(residual2), residual2 = input + attn(input)
      layernormBackward(dln, g.ln2w, g.ln2b, dres, y.residual3, w.ln2w, y.ln2Mean, y.ln2Rstd, BT, C, ln);
      matmulBackward(mm, dfchAct, g.fcProjW, g.fcProjB, dln, y.fchAct, w.fcProjW, BT, 4 * C, C);
      activationBackward(activation, dfch, y.fch, y.fchSig, dfchAct, BT * 4 * C);
      matmulBackward(mm, dln, g.fcW, g.fcB, dfch, y.ln1, w.fcW, BT, C, 4 * C, { accumulateDinp: true });
      layernormBackward(dres, g.ln1w, g.ln1b, dln, y.residual2, w.ln1w, y.ln1Mean, y.ln1Rstd, BT, C, ln);
      matmulBackward(mm, datty, g.projW, g.projB, dres, y.atty, w.projW, BT, C, C);
      this.attentionBackward(a, y, shape);
      matmulBackward(mm, dres, g.attnW, g.attnB, dqkv, x, w.attnW, BT, C, 3 * C, { accumulateDinp: true });
    }
  }
}
