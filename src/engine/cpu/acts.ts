// The CPU engine's activations and gradient scratch: allocated once for a number of tokens
// (B·T) and reused by every forward and backward of up to that many, whatever B and T are.
import type { GPTConfig } from '../../core/config';
import { AttentionScratch } from './attention';
import { LayernormScratch } from './layernorm';
import type { Matmul } from './matmul';

export interface LayerActs {
  ln1: Float32Array; // (BT, C)
  ln1Mean: Float32Array; // (BT)
  ln1Rstd: Float32Array; // (BT)
  qkv: Float32Array; // (BT, 3C)
  atty: Float32Array; // (BT, C)
  lse: Float32Array; // (B, NH, T)
  residual2: Float32Array; // (BT, C) input + attn, the projection's residual add fused
  ln2: Float32Array; // (BT, C)
  ln2Mean: Float32Array; // (BT)
  ln2Rstd: Float32Array; // (BT)
  fch: Float32Array; // (BT, 4C)
  fchAct: Float32Array; // (BT, 4C)
  fchSig: Float32Array; // (BT, 4C) GELU's σ(2u), kept for the backward (empty for ReLU)
  residual3: Float32Array; // (BT, C) (pre-LN: residual2, post-LN: ln1) + mlp
}

export class Activations {
  readonly encoded: Float32Array; // (BT, C)
  readonly layers: LayerActs[];
  readonly lnf: Float32Array; // (BT, C), pre-LN only
  readonly lnfMean: Float32Array;
  readonly lnfRstd: Float32Array;
  readonly logits: Float32Array; // (BT, V), then its gradient
  readonly losses: Float32Array; // (BT)
  readonly ceLse: Float64Array; // (BT)
  // the backward's gradients, shared by the layers
  readonly dres: Float32Array; // (BT, C) of the residual stream
  readonly dln: Float32Array; // (BT, C)
  readonly datty: Float32Array; // (BT, C)
  readonly dqkv: Float32Array; // (BT, 3C)
  readonly dfch: Float32Array; // (BT, 4C)
  readonly dfchAct: Float32Array; // (BT, 4C)
  readonly layernorm = new LayernormScratch();
  readonly attention = new AttentionScratch();

  constructor(
    config: GPTConfig,
    /** Tokens (B·T) this holds room for. */
    readonly capacity: number,
    /** The model's products (SIMD or not) and their scratch. */
    readonly matmul: Matmul,
  ) {
    const { nLayer: L, nHead: NH, nEmbd: C, vocabSize: V } = config;
    const n = capacity;
    const f = (k: number) => new Float32Array(n * k);
    const gelu = config.activation === 'gelu';
    this.encoded = f(C);
    this.layers = Array.from({ length: L }, () => ({
      ln1: f(C), ln1Mean: f(1), ln1Rstd: f(1), qkv: f(3 * C), atty: f(C), lse: f(NH), residual2: f(C), ln2: f(C),
      ln2Mean: f(1), ln2Rstd: f(1), fch: f(4 * C), fchAct: f(4 * C), fchSig: f(gelu ? 4 * C : 0), residual3: f(C),
    }));
    const pre = config.norm === 'pre';
    this.lnf = pre ? f(C) : new Float32Array(0);
    this.lnfMean = pre ? f(1) : new Float32Array(0);
    this.lnfRstd = pre ? f(1) : new Float32Array(0);
    this.logits = f(V);
    this.losses = f(1);
    this.ceLse = new Float64Array(n);
    this.dres = f(C);
    this.dln = f(C);
    this.datty = f(C);
    this.dqkv = f(3 * C);
    this.dfch = f(4 * C);
    this.dfchAct = f(4 * C);
  }
}
