// float64 reference for crossentropy.wgsl: fused softmax cross-entropy over rows of logits.

/** Max-subtracted log Σ exp(row). */
function logSumExp(logits: ArrayLike<number>, base: number, V: number): number {
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, logits[base + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(logits[base + v] - m);
  return m + Math.log(s);
}

/** losses[p] = logsumexp(logits[p,:]) − logits[p, targets[p]]; NaN for a target outside [0, V). */
export function crossentropyForward(
  losses: Float64Array,
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  rows: number,
  V: number,
): void {
  for (let p = 0; p < rows; p++) {
    const tgt = targets[p];
    losses[p] = tgt < V ? logSumExp(logits, p * V, V) - logits[p * V + tgt] : NaN;
  }
}

/** dlogits = (softmax(logits) − onehot(targets))·scale, overwritten (scale = 1/rows for a mean loss). */
export function crossentropyBackward(
  dlogits: Float64Array,
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  scale: number,
  rows: number,
  V: number,
): void {
  for (let p = 0; p < rows; p++) {
    const base = p * V;
    const lse = logSumExp(logits, base, V);
    for (let v = 0; v < V; v++) {
      const prob = Math.exp(logits[base + v] - lse);
      dlogits[base + v] = (prob - (v === targets[p] ? 1 : 0)) * scale;
    }
  }
}

/** out[0] = mean of the n losses. */
export function crossentropyMean(out: Float64Array, losses: ArrayLike<number>, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += losses[i];
  out[0] = s / n;
}
