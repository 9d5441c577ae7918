// float32 softmax cross-entropy over rows of logits for the CPU engine (reference:
// ../ref/crossentropy.ts). The forward keeps each row's log Σ exp (float64) for the backward.

/**
 * losses[p] = lse[p] − logits[p, targets[p]], lse[p] = log Σ_v exp(logits[p, v]);
 * NaN for a target outside [0, V).
 */
export function crossentropyForward(losses: Float32Array, lse: Float64Array, logits: Float32Array, targets: Uint32Array,
  rows: number, V: number): void {
  for (let p = 0; p < rows; p++) {
    const base = p * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) if (logits[base + v] > m) m = logits[base + v];
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[base + v] - m);
    const l = m + Math.log(s);
    lse[p] = l;
    const tgt = targets[p];
    losses[p] = tgt < V ? l - logits[base + tgt] : NaN;
  }
}

/**
 * dlogits = (softmax(logits) − onehot(targets))·scale, overwritten; `dlogits` may be `logits`
 * itself (the training step no longer needs them).
 */
export function crossentropyBackward(dlogits: Float32Array, logits: Float32Array, lse: Float64Array, targets: Uint32Array,
  scale: number, rows: number, V: number): void {
  for (let p = 0; p < rows; p++) {
    const base = p * V;
    const l = lse[p];
    const tgt = targets[p];
    // read before the row is overwritten: p − 1 is taken in float64, not from a rounded p
    const atTarget = tgt < V ? (Math.exp(logits[base + tgt] - l) - 1) * scale : NaN;
    for (let v = 0; v < V; v++) dlogits[base + v] = Math.exp(logits[base + v] - l) * scale;
    if (tgt < V) dlogits[base + tgt] = atTarget;
  }
}
