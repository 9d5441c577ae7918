// A tiny random model for the Inspect tests: weights large enough that every head, sublayer
// and LayerNorm matters (initParams' 0.02 would make the model nearly uniform and an ablation
// nearly invisible), seeded.
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';

export const TINY: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };

export function tinyParams(config: GPTConfig, seed: number): Float32Array {
  const layout = paramLayout(config);
  const rng = new Rng(seed);
  const params = initParams(config, layout, seed).map((x) => x * 15);
  for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) params[e.offset + i] += rng.normal() * 0.2;
  return params;
}

/** n random token ids. */
export function randomTokens(rng: Rng, n: number, V: number): Uint32Array {
  return Uint32Array.from({ length: n }, () => rng.int(V));
}

export const tinyLabel = (id: number): string => `t${id}`;
