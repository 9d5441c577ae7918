// Token buckets for the encoder backward. Several positions of a batch can hold the same token,
// so their gradients all land in one row of dwte; summing them with float atomics would make
// the result depend on scheduling. Instead the CPU, which generated the batch, groups the
// positions by token (a counting sort) and the GPU sums each bucket in a fixed order.

export interface TokenBuckets {
  /** (V+1): bucket v holds positions[offsets[v] .. offsets[v+1]). */
  offsets: Uint32Array;
  /** (B·T): flat positions p = b·T + t, grouped by token, increasing inside each bucket. */
  positions: Uint32Array;
}

/** Groups the flat positions of `tokens` by token id. Throws if a token is ≥ vocabSize. */
export function buildTokenBuckets(tokens: Uint32Array, vocabSize: number): TokenBuckets {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new Error(`buildTokenBuckets: vocabSize must be a positive integer, got ${vocabSize}`);
  }
  const offsets = new Uint32Array(vocabSize + 1);
  for (let p = 0; p < tokens.length; p++) {
    const v = tokens[p];
    if (v >= vocabSize) {
      throw new Error(`buildTokenBuckets: token ${v} at position ${p} is outside the vocabulary (size ${vocabSize})`);
    }
    offsets[v + 1]++;
  }
  for (let v = 0; v < vocabSize; v++) offsets[v + 1] += offsets[v];
  // Filling in increasing p keeps each bucket sorted, which fixes the GPU's summation order.
  const cursor = offsets.slice(0, vocabSize);
  const positions = new Uint32Array(tokens.length);
  for (let p = 0; p < tokens.length; p++) positions[cursor[tokens[p]]++] = p;
  return { offsets, positions };
}
