// Words for what the maps show: the pointer readout, a one-line description of each head's
// habit (the text alternative of its heatmap), and the weights that tint the token strip.
import type { AttentionReport } from '../../core/protocol';

/** Weights are shown to two decimals; anything positive but below that reads "<0.01". */
export function formatWeight(w: number): string {
  if (!Number.isFinite(w)) return 'not a number';
  if (w > 0 && w < 0.005) return '<0.01';
  return w.toFixed(2);
}

/** ‘e’: a token label in quotes that cannot be confused with the label's own characters. */
export const quote = (label: string): string => `‘${label}’`;

/** The readout for a cell: "query ‘e’ → key ‘h’: 0.42". */
export function readout(tokens: readonly string[], row: number, col: number, w: number): string {
  return `query ${quote(tokens[row] ?? '?')} → key ${quote(tokens[col] ?? '?')}: ${formatWeight(w)}`;
}

/** The weights head (layer, head) gives each key when the query is `row`: one row of the map. */
export function rowWeights(a: AttentionReport, layer: number, head: number, row: number): Float32Array {
  const T = a.tokens.length;
  const off = (head * T + row) * T;
  return a.probs[layer].subarray(off, off + T);
}

/** One head's T×T map (a view, not a copy). */
export function headMap(a: AttentionReport, layer: number, head: number): Float32Array {
  const T = a.tokens.length;
  return a.probs[layer].subarray(head * T * T, (head + 1) * T * T);
}

/** Whether the report has the shape it claims: a map with a bad shape is not drawn. */
export function isWellFormed(a: AttentionReport): boolean {
  const T = a.tokens.length;
  return T > 0 && a.probs.length === a.nLayer && a.probs.every((p) => p.length === a.nHead * T * T);
}

/**
 * A head's habit in words, from the weight its queries give to themselves, to the previous
 * token and to the first token (the patterns small models learn first). Each is scored by
 * its lift over a uniform spread across the keys the query may see, so an untrained causal
 * head (whose early rows see few keys) is not mistaken for a habit. Row 0 has one choice
 * under the mask and tells nothing; it is left out.
 */
export function describeHead(map: ArrayLike<number>, T: number, causal = true): string {
  if (T <= 1) return 'one token: it can only look at itself';
  const habits = { itself: 0, 'the previous token': 0, 'the first token': 0 };
  const lift = { ...habits };
  let peakLift = 0;
  for (let q = 1; q < T; q++) {
    const n = causal ? q + 1 : T;
    const base = 1 / n;
    const up = (w: number) => (w - base) / (1 - base);
    let m = 0;
    for (let k = 0; k < n; k++) m = Math.max(m, map[q * T + k]);
    const row: [keyof typeof habits, number][] = [
      ['itself', map[q * T + q]],
      ['the previous token', map[q * T + q - 1]],
      ['the first token', map[q * T]],
    ];
    for (const [name, w] of row) {
      habits[name] += w / (T - 1);
      lift[name] += up(w) / (T - 1);
    }
    peakLift += up(m) / (T - 1);
  }
  if (!Number.isFinite(peakLift + habits.itself + habits['the previous token'] + habits['the first token'])) {
    return 'weights are not numbers (the model diverged)';
  }
  const best = (Object.keys(lift) as (keyof typeof habits)[]).sort((x, y) => lift[y] - lift[x])[0];
  if (lift[best] >= 0.3) return `mostly looks at ${best} (mean weight ${habits[best].toFixed(2)})`;
  return peakLift >= 0.3 ? 'looks at a few chosen tokens per position' : 'spreads its attention evenly';
}

/** The causal-mask caption, and the warning when the mask is off. */
export function maskCaption(causal: boolean): string {
  return causal
    ? 'Each row is a position; it may look at the filled cells: itself and the past.'
    : 'Each row is a position; with the mask off it may look at every cell, the future too.';
}

export const CHEATING_WARNING =
  'The causal mask is off: every position can see the future, including the token it must predict. This is the cheating experiment: training loss collapses, samples are garbage.';

/** Index of the largest weight (the first on ties); -1 for an empty or all-NaN row. */
export function argmax(row: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < row.length; i++) if (row[i] > (best < 0 ? -Infinity : row[best])) best = i;
  return best;
}

/** What a hovered token attends to, for the line under the token strip. */
export function stripSummary(tokens: readonly string[], query: number, row: ArrayLike<number>, layer: number, head: number): string {
  const k = argmax(row);
  const where = `layer ${layer + 1}, head ${head + 1}`;
  if (k < 0) return `${quote(tokens[query])} (position ${query + 1}): no weights to show in ${where}.`;
  return `${quote(tokens[query])} (position ${query + 1}) attends most to ${quote(tokens[k])} at position ${k + 1} (${formatWeight(row[k])}) in ${where}.`;
}
