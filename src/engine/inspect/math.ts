// The arithmetic the Inspect views share, in float64 whatever the engine computed in: the
// next-token distribution and the surprisal of a token, top-k lists, the logit lens (the
// final LayerNorm and the tied head applied to any row of the residual stream), a 2-D PCA
// and cosine nearest neighbours. Pure functions over flat arrays.
import type { GPTConfig } from '../../core/config';
import type { Prediction } from '../../core/inspect';
import type { ParamLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { layernormForward } from '../ref/layernorm';

/** log Σ exp(x), stable for any range of logits. */
export function logSumExp(x: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - max);
  return max + Math.log(s);
}

/** softmax(logits) in float64. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const lse = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i] - lse);
  return out;
}

/** −ln p(id) from the logits: the cross-entropy of one target, without forming p (no underflow). */
export function natsOf(logits: ArrayLike<number>, id: number): number {
  return logSumExp(logits) - logits[id];
}

/** −log₂ p. */
export const bitsOf = (p: number): number => -Math.log2(p);

/**
 * The indices of the k largest values, largest first; ties keep the lower index first. NaN is
 * never chosen. A partial selection: O(n·k), which beats a sort for the small k the views use.
 */
export function topIndices(x: ArrayLike<number>, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    if (top.length === k && !(v > x[top[k - 1]])) continue;
    let at = top.length < k ? top.length : k - 1;
    while (at > 0 && v > x[top[at - 1]]) at--;
    if (top.length === k) top.pop();
    top.splice(at, 0, i);
  }
  return top;
}

/** The k most likely tokens of a distribution, labelled. */
export function topPredictions(probs: ArrayLike<number>, k: number, label: (id: number) => string): Prediction[] {
  return topIndices(probs, k).map((id) => ({ label: label(id), p: probs[id] }));
}

/** 1 + the number of tokens strictly more likely than `id`: 1 = the model's top choice. */
export function rankOf(probs: ArrayLike<number>, id: number): number {
  const p = probs[id];
  let above = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > p) above++;
  return above + 1;
}

/** A parameter's elements by state_dict name. */
export function paramView(layout: ParamLayout, params: Float32Array, name: string): Float32Array {
  const e = layout.byName.get(name);
  if (!e) throw new Error(`no parameter ${name}`);
  return params.subarray(e.offset, e.offset + e.size);
}

/**
 * The logit lens of one residual-stream row (C): what the LM head would predict if the model
 * stopped here. Pre-LN models apply their final LayerNorm ln_f first; post-LN models have
 * none (each block already ends in a LayerNorm), so the row goes to the head as it is. The
 * head is tied to the token embedding: logits = x · wteᵀ, wte (V, C).
 */
export function lensLogits(config: GPTConfig, layout: ParamLayout, params: Float32Array, row: ArrayLike<number>): Float64Array {
  const { nEmbd: C, vocabSize: V } = config;
  let x: ArrayLike<number> = row;
  if (config.norm === 'pre') {
    const normed = new Float64Array(C);
    const w = paramView(layout, params, 'transformer.ln_f.weight');
    const b = paramView(layout, params, 'transformer.ln_f.bias');
    layernormForward(normed, new Float64Array(1), new Float64Array(1), row, w, b, 1, C);
    x = normed;
  }
  const wte = paramView(layout, params, 'transformer.wte.weight');
  const logits = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += x[c] * wte[v * C + c];
    logits[v] = s;
  }
  return logits;
}

export interface Pca2 {
  /** (D) the rows' mean, subtracted before projecting. */
  mean: Float64Array;
  /** The two principal directions (unit vectors, D each), the larger variance first. */
  axes: [Float64Array, Float64Array];
  /** Fraction of the total variance along each axis. */
  explained: [number, number];
}

/** The top eigenvector of a symmetric (D, D) matrix by power iteration, and its eigenvalue. */
function topEigen(m: Float64Array, D: number, seed: number): { vector: Float64Array; value: number } {
  const rng = new Rng(seed);
  let v = new Float64Array(D);
  for (let i = 0; i < D; i++) v[i] = rng.normal();
  const normalise = (x: Float64Array): number => {
    let n = 0;
    for (let i = 0; i < D; i++) n += x[i] * x[i];
    n = Math.sqrt(n);
    if (n > 0) for (let i = 0; i < D; i++) x[i] /= n;
    return n;
  };
  normalise(v);
  let value = 0;
  for (let iter = 0; iter < 2000; iter++) {
    const w = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += m[i * D + j] * v[j];
      w[i] = s;
    }
    value = normalise(w);
    if (value === 0) return { vector: v, value: 0 }; // nothing left: any direction will do
    let change = 0;
    for (let i = 0; i < D; i++) change = Math.max(change, Math.abs(w[i] - v[i]));
    v = w;
    if (change < 1e-11) break;
  }
  // A fixed sign (largest component positive), so that the same data always gives the same picture.
  let big = 0;
  for (let i = 1; i < D; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
  if (v[big] < 0) for (let i = 0; i < D; i++) v[i] = -v[i];
  return { vector: v, value };
}

/**
 * The two principal components of N rows of D values: centre, form the covariance, take its
 * top eigenvector by power iteration, deflate (C − λ·vvᵀ) and take the next one.
 */
export function pca2(data: ArrayLike<number>, N: number, D: number): Pca2 {
  const mean = new Float64Array(D);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) mean[d] += data[n * D + d] / N;
  const cov = new Float64Array(D * D);
  const row = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) row[d] = data[n * D + d] - mean[d];
    for (let i = 0; i < D; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      for (let j = i; j < D; j++) cov[i * D + j] += ri * row[j];
    }
  }
  let trace = 0;
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) cov[j * D + i] = cov[i * D + j] /= N;
    trace += cov[i * D + i];
  }
  const first = topEigen(cov, D, 1);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) cov[i * D + j] -= first.value * first.vector[i] * first.vector[j];
  const second = topEigen(cov, D, 2);
  const frac = (v: number) => (trace > 0 ? v / trace : 0);
  return { mean, axes: [first.vector, second.vector], explained: [frac(first.value), frac(second.value)] };
}

/** (N, 2) coordinates of N rows of D values on a PCA's axes (after subtracting its mean). */
export function projectRows(data: ArrayLike<number>, N: number, D: number, pca: Pca2): Float64Array {
  const out = new Float64Array(N * 2);
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < 2; a++) {
      const axis = pca.axes[a];
      let s = 0;
      for (let d = 0; d < D; d++) s += (data[n * D + d] - pca.mean[d]) * axis[d];
      out[n * 2 + a] = s;
    }
  }
  return out;
}

/**
 * For each of the first `rows` rows (all by default), the k other rows of the N most similar
 * to it by cosine, most similar first. A zero row has cosine 0 with everything.
 */
export function cosineNeighbours(data: ArrayLike<number>, N: number, D: number, k: number, rows = N): { index: number; cos: number }[][] {
  const unit = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += data[n * D + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < D; d++) unit[n * D + d] = data[n * D + d] * inv;
  }
  const out: { index: number; cos: number }[][] = [];
  const cos = new Float64Array(N);
  for (let n = 0; n < rows; n++) {
    for (let m = 0; m < N; m++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += unit[n * D + d] * unit[m * D + d];
      cos[m] = s;
    }
    cos[n] = NaN; // not its own neighbour
    out.push(topIndices(cos, k).map((index) => ({ index, cos: cos[index] })));
  }
  return out;
}
