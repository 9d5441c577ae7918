// The whole GPT in float64 on the CPU, composed from the reference kernels exactly as the GPU
// model composes the WGSL ones: the yardstick for the GPU's loss and every gradient, and the
// engine of the CPU mode for small configurations. Parameters and gradients use the GPU's
// flat layout (paramLayout), so the two can be compared tensor by tensor.
import type { GPTConfig } from '../../core/config';
import { checkInterventions, intervenes, SITE_ATTN, SITE_HEADS, SITE_MLP, SITES, type Interventions } from '../../core/inspect';
import { paramLayout, type ParamLayout } from '../../core/params';
import { buildTokenBuckets } from '../kernels/buckets';
import { activationBackward, activationForward } from './activation-dispatch';
import { attentionBackward, attentionForward, attentionProbs } from './attention';
import { crossentropyBackward, crossentropyForward } from './crossentropy';
import { encoderBackward, encoderForward } from './encoder';
import { interveneDelta, interveneHeads, type InterveneSite } from './intervene';
import { layernormBackward, layernormForward } from './layernorm';
import { matmulBackward, matmulForward } from './matmul';
import { residualForward } from './residual';

interface LayerActs {
  input: Float64Array; // (B,T,C) the block's input x
  ln1: Float64Array;
  ln1Mean: Float64Array;
  ln1Rstd: Float64Array;
  qkv: Float64Array; // (B,T,3C)
  atty: Float64Array; // (B,T,C)
  lse: Float64Array; // (B,NH,T)
  attproj: Float64Array;
  residual2: Float64Array; // x + attn
  ln2: Float64Array;
  ln2Mean: Float64Array;
  ln2Rstd: Float64Array;
  fch: Float64Array; // (B,T,4C)
  fchAct: Float64Array;
  fcproj: Float64Array;
  residual3: Float64Array; // (pre-LN: residual2, post-LN: ln1) + mlp
}

interface Acts {
  B: number;
  T: number;
  tokens: Uint32Array;
  targets: Uint32Array;
  encoded: Float64Array;
  layers: LayerActs[];
  final: Float64Array; // what the LM head reads: lnf (pre-LN) or the last block's ln2 (post-LN)
  lnfMean: Float64Array;
  lnfRstd: Float64Array;
  logits: Float64Array; // (B,T,V)
  losses: Float64Array; // (B,T)
  /** Whether interventions changed the forward: its backward is not the model's gradient. */
  intervened: boolean;
}

export class RefGPT {
  readonly layout: ParamLayout;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private acts: Acts | null = null;

  constructor(
    readonly config: GPTConfig,
    params: ArrayLike<number>,
    alignBytes = 256,
  ) {
    this.layout = paramLayout(config, alignBytes);
    if (params.length !== this.layout.totalElems) {
      throw new Error(`RefGPT: ${params.length} parameters given, the layout has ${this.layout.totalElems}`);
    }
    this.params = Float64Array.from(params);
    this.grads = new Float64Array(this.layout.totalElems);
  }

  /** A view of a parameter (or of its gradient) by state_dict name. */
  param(name: string, of: Float64Array = this.params): Float64Array {
    const e = this.layout.byName.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return of.subarray(e.offset, e.offset + e.size);
  }

  private p = (name: string) => this.param(name);
  private g = (name: string) => this.param(name, this.grads);

  /**
   * Runs the model; returns the logits (B,T,V) and, with targets, the mean loss. Interventions
   * (core/inspect.ts) replace the heads' outputs (atty, before c_proj) and the sublayers'
   * contributions to the residual stream (before anything reads them); backward() refuses a
   * forward that they changed.
   */
  forward(tokens: Uint32Array, targets: Uint32Array | null, B: number, T: number, interventions?: Interventions): { logits: Float64Array; loss: number } {
    const { nLayer: L, nHead: NH, nEmbd: C, vocabSize: V, blockSize } = this.config;
    if (T > blockSize) throw new Error(`sequence length ${T} exceeds block size ${blockSize}`);
    if (interventions) checkInterventions(this.config, interventions, T);
    const BT = B * T;
    const iv = interventions;
    const at = (l: number, site: number): InterveneSite => ({
      T, modesOffset: (l * SITES + site) * NH, valuesOffset: (l * SITES + site) * C, sourcesOffset: (l * SITES + site) * T * C,
    });
    const f = (n: number) => new Float64Array(n);
    const encoded = f(BT * C);
    encoderForward(encoded, tokens, this.p('transformer.wte.weight'), this.config.positions === 'learned' ? this.p('transformer.wpe.weight') : null, B, T, C, { positions: this.config.positions });
    const layers: LayerActs[] = [];
    let x: Float64Array = encoded;
    const pre = this.config.norm === 'pre';
    for (let l = 0; l < L; l++) {
      const h = (n: string) => this.p(`transformer.h.${l}.${n}`);
      const a: LayerActs = {
        input: x, ln1: f(BT * C), ln1Mean: f(BT), ln1Rstd: f(BT), qkv: f(BT * 3 * C), atty: f(BT * C), lse: f(B * NH * T),
        attproj: f(BT * C), residual2: f(BT * C), ln2: f(BT * C), ln2Mean: f(BT), ln2Rstd: f(BT), fch: f(BT * 4 * C),
        fchAct: f(BT * 4 * C), fcproj: f(BT * C), residual3: f(BT * C),
      };
      if (pre) layernormForward(a.ln1, a.ln1Mean, a.ln1Rstd, x, h('ln_1.weight'), h('ln_1.bias'), BT, C);
      matmulForward(a.qkv, pre ? a.ln1 : x, h('attn.c_attn.weight'), h('attn.c_attn.bias'), BT, C, 3 * C);
      attentionForward(a.atty, a.lse, a.qkv, B, T, C, { nHead: NH, causal: this.config.causal });
      if (iv) interveneHeads(a.atty, iv.modes, iv.values, iv.sources, BT, C, NH, at(l, SITE_HEADS));
      matmulForward(a.attproj, a.atty, h('attn.c_proj.weight'), h('attn.c_proj.bias'), BT, C, C);
      residualForward(a.residual2, x, a.attproj, BT * C);
      if (iv) interveneDelta(a.residual2, x, iv.modes, iv.values, iv.sources, BT, C, at(l, SITE_ATTN));
      const mlpIn = pre ? a.ln2 : a.ln1;
      if (pre) layernormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual2, h('ln_2.weight'), h('ln_2.bias'), BT, C);
      else layernormForward(a.ln1, a.ln1Mean, a.ln1Rstd, a.residual2, h('ln_1.weight'), h('ln_1.bias'), BT, C);
      matmulForward(a.fch, mlpIn, h('mlp.c_fc.weight'), h('mlp.c_fc.bias'), BT, C, 4 * C);
      activationForward(this.config.activation, a.fchAct, a.fch, BT * 4 * C);
      matmulForward(a.fcproj, a.fchAct, h('mlp.c_proj.weight'), h('mlp.c_proj.bias'), BT, 4 * C, C);
      residualForward(a.residual3, pre ? a.residual2 : a.ln1, a.fcproj, BT * C);
      if (iv) interveneDelta(a.residual3, pre ? a.residual2 : a.ln1, iv.modes, iv.values, iv.sources, BT, C, at(l, SITE_MLP));
      if (!pre) layernormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual3, h('ln_2.weight'), h('ln_2.bias'), BT, C);
      layers.push(a);
      x = pre ? a.residual3 : a.ln2;
    }
    let final: Float64Array = x;
    const lnfMean = f(BT);
    const lnfRstd = f(BT);
    if (pre) {
      final = f(BT * C);
      layernormForward(final, lnfMean, lnfRstd, x, this.p('transformer.ln_f.weight'), this.p('transformer.ln_f.bias'), BT, C);
    }
    const logits = f(BT * V);
    matmulForward(logits, final, this.p('transformer.wte.weight'), null, BT, C, V);
    const losses = f(BT);
    let loss = NaN;
    if (targets) {
      crossentropyForward(losses, logits, targets, BT, V);
      loss = losses.reduce((s, v) => s + v, 0) / BT;
    }
    const intervened = iv ? intervenes(iv) : false;
    this.acts = { B, T, tokens, targets: targets ?? new Uint32Array(0), encoded, layers, final, lnfMean, lnfRstd, logits, losses, intervened };
    return { logits, loss };
  }

  /** Every layer's attention probabilities (B, NH, T, T) for the last forward. */
  attentionProbs(): Float64Array[] {
    const a = this.acts;
    if (!a) throw new Error('attentionProbs needs a forward first');
    const { nHead: NH, nEmbd: C, causal } = { ...this.config };
    return a.layers.map((x) => {
      const probs = new Float64Array(a.B * NH * a.T * a.T);
      attentionProbs(probs, x.qkv, x.lse, a.B, a.T, C, { nHead: NH, causal });
      return probs;
    });
  }

  /** Every layer's MLP activation input (B, T, 4C) of the last forward: where ReLU has its kink. */
  activationInputs(): Float64Array[] {
    if (!this.acts) throw new Error('activationInputs needs a forward first');
    return this.acts.layers.map((x) => x.fch);
  }

  /**
   * The last forward's sites (L, SITES, B, T, C) as the rest of the model read them (after the
   * interventions): the heads' outputs atty, residual2 − x and residual3 − its base.
   */
  sites(): Float64Array {
    const a = this.acts;
    if (!a) throw new Error('sites needs a forward first');
    const C = this.config.nEmbd;
    const n = a.B * a.T * C;
    const out = new Float64Array(this.config.nLayer * SITES * n);
    const pre = this.config.norm === 'pre';
    a.layers.forEach((x, l) => {
      out.set(x.atty, (l * SITES + SITE_HEADS) * n);
      const base = pre ? x.residual2 : x.ln1;
      for (let i = 0; i < n; i++) {
        out[(l * SITES + SITE_ATTN) * n + i] = x.residual2[i] - x.input[i];
        out[(l * SITES + SITE_MLP) * n + i] = x.residual3[i] - base[i];
      }
    });
    return out;
  }

  /** The residual stream (B, T, C) entering block 0 and leaving each block: L + 1 arrays. */
  residuals(): Float64Array[] {
    const a = this.acts;
    if (!a) throw new Error('residuals needs a forward first');
    const pre = this.config.norm === 'pre';
    return [a.encoded, ...a.layers.map((x) => (pre ? x.residual3 : x.ln2))];
  }

  /** Every layer's MLP activations act(fc(x)) (B, T, 4C) of the last forward. */
  mlpActivations(): Float64Array[] {
    if (!this.acts) throw new Error('mlpActivations needs a forward first');
    return this.acts.layers.map((x) => x.fchAct);
  }

  /** The per-token losses (B, T) of the last forward (which needs targets). */
  tokenLosses(): Float64Array {
    const a = this.acts;
    if (!a || a.targets.length === 0) throw new Error('tokenLosses needs a forward with targets first');
    return a.losses;
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** Accumulates the gradient of the mean loss of the last forward (which needs targets). */
  backward(): void {
    const a = this.acts;
    if (!a || a.targets.length === 0) throw new Error('backward needs a forward with targets first');
    if (a.intervened) throw new Error('backward: the last forward had interventions');
    const { nLayer: L, nHead: NH, nEmbd: C, vocabSize: V } = this.config;
    const { B, T } = a;
    const BT = B * T;
    const f = (n: number) => new Float64Array(n);
    const pre = this.config.norm === 'pre';
    const attn = { nHead: NH, causal: this.config.causal };
    const dlogits = f(BT * V);
    crossentropyBackward(dlogits, a.logits, a.targets, 1 / BT, BT, V);
    const dfinal = f(BT * C);
    matmulBackward(dfinal, this.g('transformer.wte.weight'), null, dlogits, a.final, this.p('transformer.wte.weight'), BT, C, V);
    // dres: gradient of the residual stream entering the layer being processed
    let dres: Float64Array = dfinal;
    if (pre) {
      dres = f(BT * C);
      layernormBackward(dres, this.g('transformer.ln_f.weight'), this.g('transformer.ln_f.bias'), dfinal,
        a.layers.length ? a.layers[L - 1].residual3 : a.encoded, this.p('transformer.ln_f.weight'), a.lnfMean, a.lnfRstd, BT, C);
    }
    const dln = f(BT * C);
    const datty = f(BT * C);
    const dqkv = f(BT * 3 * C);
    const dfch = f(BT * 4 * C);
    const dfchAct = f(BT * 4 * C);
    const scratchD = f(B * NH * T);
    for (let l = L - 1; l >= 0; l--) {
      const x = a.layers[l];
      const h = (n: string) => this.p(`transformer.h.${l}.${n}`);
      const gh = (n: string) => this.g(`transformer.h.${l}.${n}`);
      if (pre) {
        // residual3 = residual2 + mlp(ln2(residual2)); dres is d residual3 = d residual2 so far
        matmulBackward(dfchAct, gh('mlp.c_proj.weight'), gh('mlp.c_proj.bias'), dres, x.fchAct, h('mlp.c_proj.weight'), BT, 4 * C, C);
        activationBackward(this.config.activation, dfch, x.fch, dfchAct, BT * 4 * C);
        matmulBackward(dln, gh('mlp.c_fc.weight'), gh('mlp.c_fc.bias'), dfch, x.ln2, h('mlp.c_fc.weight'), BT, C, 4 * C);
        layernormBackward(dres, gh('ln_2.weight'), gh('ln_2.bias'), dln, x.residual2, h('ln_2.weight'), x.ln2Mean, x.ln2Rstd, BT, C, { accumulateDinp: true });
        // residual2 = input + attn(ln1(input))
        matmulBackward(datty, gh('attn.c_proj.weight'), gh('attn.c_proj.bias'), dres, x.atty, h('attn.c_proj.weight'), BT, C, C);
        attentionBackward(dqkv, datty, x.qkv, x.atty, x.lse, scratchD, B, T, C, attn);
        matmulBackward(dln, gh('attn.c_attn.weight'), gh('attn.c_attn.bias'), dqkv, x.ln1, h('attn.c_attn.weight'), BT, C, 3 * C);
        layernormBackward(dres, gh('ln_1.weight'), gh('ln_1.bias'), dln, x.input, h('ln_1.weight'), x.ln1Mean, x.ln1Rstd, BT, C, { accumulateDinp: true });
      } else {
        // ln2 = LN(residual3), residual3 = ln1 + mlp(ln1), ln1 = LN(residual2), residual2 = input + attn(input)
        layernormBackward(dln, gh('ln_2.weight'), gh('ln_2.bias'), dres, x.residual3, h('ln_2.weight'), x.ln2Mean, x.ln2Rstd, BT, C);
        matmulBackward(dfchAct, gh('mlp.c_proj.weight'), gh('mlp.c_proj.bias'), dln, x.fchAct, h('mlp.c_proj.weight'), BT, 4 * C, C);
        activationBackward(this.config.activation, dfch, x.fch, dfchAct, BT * 4 * C);
        matmulBackward(dln, gh('mlp.c_fc.weight'), gh('mlp.c_fc.bias'), dfch, x.ln1, h('mlp.c_fc.weight'), BT, C, 4 * C, { accumulateDinp: true });
        layernormBackward(dres, gh('ln_1.weight'), gh('ln_1.bias'), dln, x.residual2, h('ln_1.weight'), x.ln1Mean, x.ln1Rstd, BT, C);
        matmulBackward(datty, gh('attn.c_proj.weight'), gh('attn.c_proj.bias'), dres, x.atty, h('attn.c_proj.weight'), BT, C, C);
        attentionBackward(dqkv, datty, x.qkv, x.atty, x.lse, scratchD, B, T, C, attn);
        matmulBackward(dres, gh('attn.c_attn.weight'), gh('attn.c_attn.bias'), dqkv, x.input, h('attn.c_attn.weight'), BT, C, 3 * C, { accumulateDinp: true });
      }
    }
    const buckets = buildTokenBuckets(a.tokens, V);
    encoderBackward(this.g('transformer.wte.weight'), this.config.positions === 'learned' ? this.g('transformer.wpe.weight') : null,
      dres, buckets.offsets, buckets.positions, B, T, C, V, { positions: this.config.positions });
  }
}
