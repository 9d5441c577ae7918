// Pure helpers of the Sample panel: how probabilities are written and tinted, which tokens
// the bars show, and which typed numbers cannot be used. Kept out of the components so they
// can be unit-tested without a DOM.

/** Percentage with one decimal for the bars: "42.1%", "<0.1%" (never "0.0%" for a live token). */
export function formatProb(p: number): string {
  if (!(p > 0)) return '0%';
  if (p < 0.0005) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/** Short percentage for token tooltips: "42%", "0.4%", "<0.1%". */
export function formatProbShort(p: number): string {
  if (!(p > 0)) return '0%';
  if (p >= 0.01) return `${Math.round(p * 100)}%`;
  if (p >= 0.0005) return `${(p * 100).toFixed(1)}%`;
  return '<0.1%';
}

/** Accessible name and tooltip of a streamed token: "“e” 42%". */
export function tokenTitle(label: string, prob: number): string {
  return `“${label}” ${formatProbShort(prob)}`;
}

/** Stops of the probability tint, shared by the token spans and the legend's gradient. */
const TINT_HUE_LOW = 0; // red: the model was surprised by its own draw
const TINT_HUE_HIGH = 130; // green
const TINT_ALPHA_LOW = 0.55;

/**
 * Background of a token drawn with probability p: warm and strong when unlikely, fading to a
 * transparent green as p → 1, so the surprising tokens stand out from ordinary text. Alpha
 * (not lightness) carries the strength, so one map reads on both the light and dark themes.
 */
export function probTint(p: number): string {
  const t = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
  const hue = TINT_HUE_LOW + (TINT_HUE_HIGH - TINT_HUE_LOW) * t;
  const alpha = TINT_ALPHA_LOW * (1 - t);
  return `hsl(${hue.toFixed(0)} 80% 55% / ${alpha.toFixed(3)})`;
}

/** CSS gradient of probTint from 0 to 1, for the legend. */
export function probTintGradient(stops = 6): string {
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) {
    const p = i / stops;
    parts.push(`${probTint(p)} ${(p * 100).toFixed(0)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

export interface Candidate {
  id: number;
  p: number;
}

/**
 * The n most likely tokens with non-zero probability, most likely first; ties broken by id
 * so the order is stable while a slider moves. One pass with a small sorted buffer: the
 * vocabulary may be thousands of tokens and this runs on every slider tick.
 */
export function topCandidates(probs: ArrayLike<number>, n: number): Candidate[] {
  const top: Candidate[] = [];
  if (n <= 0) return top;
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id];
    if (!(p > 0)) continue;
    if (top.length === n && p <= top[n - 1].p) continue; // equal p: the lower id already won
    let at = top.length;
    while (at > 0 && top[at - 1].p < p) at--;
    top.splice(at, 0, { id, p });
    if (top.length > n) top.pop();
  }
  return top;
}

/** Number of tokens the settings left any probability (the rest were cut by top-k/top-p). */
export function countKept(probs: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) n++;
  return n;
}

/** Top-k as shown on its slider: 0 means no cut. */
export function formatTopK(k: number): string {
  return k > 0 ? String(k) : 'off';
}

/** Top-p as shown on its slider: 1 keeps everything. */
export function formatTopP(p: number): string {
  return p >= 1 ? '1.00 (off)' : p.toFixed(2);
}

/** Temperature as shown on its slider: two decimals, so the label keeps its width. */
export function formatTemperature(t: number): string {
  return t.toFixed(2);
}

/** Temperature as announced by a screen reader: 0 is named for what it does. */
export function temperatureValueText(t: number): string {
  return t === 0 ? '0 (greedy)' : t.toFixed(2);
}

/** Label of a token id from a labelling function that may be missing or may throw. */
export function safeLabel(labelOf: ((id: number) => string) | null, id: number): string {
  if (labelOf) {
    try {
      return labelOf(id);
    } catch {
      // An id outside the tokenizer (settings changed since the sample): fall through.
    }
  }
  return `#${id}`;
}

/** What Generate says when the model could not be built, quoting the Data/Model error. */
export function buildErrorMessage(why: string | null | undefined): string {
  const reason = why?.trim() ? `: ${why.trim().replace(/[.!]+$/, '')}` : '';
  return `The model could not be built${reason}. Check the Data and Model panels.`;
}
