// The embeddings as a map: every token's embedding (a row of wte) projected on the two
// principal axes of all of them, the position embeddings (learned wpe rows, or the fixed
// sinusoids the encoder adds) in the same projection, and each point's nearest neighbours
// by cosine similarity.
import type { GPTConfig } from '../../core/config';
import type { EmbeddingPoint, EmbeddingsReport } from '../../core/inspect';
import { paramLayout } from '../../core/params';
import { sinusoidalPosition } from '../ref/encoder';
import type { Label } from './analyses-text';
import { cosineNeighbours, paramView, pca2, projectRows } from './math';

const NEIGHBOURS = 5;

/**
 * Points (and their neighbours among them) are computed for the first `maxPoints` token ids:
 * the neighbour search is quadratic in their number. The axes come from every token. A BPE's
 * byte tokens and its earliest (most frequent) merges come first.
 */
export const MAX_EMBEDDING_POINTS = 4096;

/** (blockSize, C): what the encoder adds for each position. */
export function positionEmbeddings(config: GPTConfig, params: Float32Array): Float32Array {
  const { blockSize: T, nEmbd: C } = config;
  if (config.positions === 'learned') return paramView(paramLayout(config), params, 'transformer.wpe.weight').slice();
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) out[t * C + c] = sinusoidalPosition(t, c, C);
  return out;
}

/** The first N rows as points; neighbours are searched among those N. */
function points(data: Float32Array, N: number, C: number, coords: Float64Array, labelOf: (i: number) => string): EmbeddingPoint[] {
  const near = cosineNeighbours(data, N, C, NEIGHBOURS);
  return near.map((nb, i) => ({
    label: labelOf(i),
    x: coords[i * 2],
    y: coords[i * 2 + 1],
    neighbours: nb.map((e) => ({ label: labelOf(e.index), cos: e.cos })),
  }));
}

export function embeddings(config: GPTConfig, params: Float32Array, label: Label, maxPoints = MAX_EMBEDDING_POINTS): EmbeddingsReport {
  const { vocabSize: V, blockSize: T, nEmbd: C } = config;
  const wte = paramView(paramLayout(config), params, 'transformer.wte.weight');
  const pca = pca2(wte, V, C);
  const wpe = positionEmbeddings(config, params);
  return {
    tokens: points(wte, Math.min(V, maxPoints), C, projectRows(wte, V, C, pca), label),
    positions: points(wpe, T, C, projectRows(wpe, T, C, pca), (t) => String(t)),
    explained: pca.explained,
  };
}
