// The model's configuration, after nanoGPT's GPTConfig: sizes plus the architecture
// variants the playground lets people compare.

export interface GPTConfig {
  /** Number of transformer blocks. */
  nLayer: number;
  /** Attention heads per block; nEmbd must be divisible by it. */
  nHead: number;
  /** Width of the residual stream (C). */
  nEmbd: number;
  /** Longest context the model sees (T); also the number of learned positions. */
  blockSize: number;
  /** Number of token ids (V); the LM head is tied to the token embedding. */
  vocabSize: number;
  /** 'pre': x += f(LN(x)) as GPT-2; 'post': x = LN(x + f(x)) as GPT-1 and the original Transformer. */
  norm: 'pre' | 'post';
  /** MLP non-linearity: GPT-2's tanh GELU, or ReLU as the original Transformer. */
  activation: 'gelu' | 'relu';
  /** Learned position embeddings (wpe) or fixed sinusoids (no parameters). */
  positions: 'learned' | 'sinusoidal';
  /** Causal mask on; off is the "cheating" experiment where a position can see the answer. */
  causal: boolean;
}

export const DEFAULT_CONFIG: GPTConfig = {
  nLayer: 2, // small enough to train in minutes on a laptop GPU
  nHead: 4,
  nEmbd: 64,
  blockSize: 64,
  vocabSize: 65, // replaced by the tokenizer's vocabulary size
  norm: 'pre',
  activation: 'gelu',
  positions: 'learned',
  causal: true,
};

/** Head size hs = C / NH. The attention kernel supports hs ≤ 128. */
export const headSize = (c: GPTConfig): number => c.nEmbd / c.nHead;

export const MAX_HEAD_SIZE = 128;

/** Problems with a configuration, each a sentence a user can act on; empty when valid. */
export function validateConfig(c: GPTConfig): string[] {
  const errs: string[] = [];
  const posInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) errs.push(`${name} must be a positive whole number (got ${v}).`);
  };
  posInt('Layers', c.nLayer);
  posInt('Heads', c.nHead);
  posInt('Width', c.nEmbd);
  posInt('Block size', c.blockSize);
  posInt('Vocabulary size', c.vocabSize);
  if (errs.length) return errs;
  if (c.nEmbd % c.nHead !== 0) errs.push(`Width ${c.nEmbd} must be divisible by the number of heads ${c.nHead}.`);
  else if (headSize(c) > MAX_HEAD_SIZE) {
    errs.push(`Head size ${headSize(c)} (width / heads) exceeds ${MAX_HEAD_SIZE}: use more heads or a smaller width.`);
  }
  return errs;
}
