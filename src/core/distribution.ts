// From logits to the next-token distribution the user sees: temperature, then top-k, then
// top-p (nucleus), renormalised; greedy (or temperature 0) takes the arg-max. Done on the CPU
// in float64 from logits kept aside, so the probability bars re-shape at once when a slider
// moves. Settings are checked (checkGenerateOptions), never quietly brought into range.
import type { Rng } from './rng';

export interface SamplingSettings {
  /** Divides the logits; 0 is greedy (the arg-max), 1 is the model's own distribution. */
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1: all). */
  topP: number;
  /** Always take the most likely token. */
  greedy: boolean;
}

export const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0.8, topK: 0, topP: 1, greedy: false };

/**
 * The distribution sampling draws from: probabilities summing to 1, zero for tokens that
 * top-k or top-p removed. Ties at the cut are broken by token id, deterministically.
 */
export function nextTokenDistribution(logits: ArrayLike<number>, s: SamplingSettings): Float64Array {
  const V = logits.length;
  const probs = new Float64Array(V);
  // Temperature 0 is the limit of dividing by ever smaller temperatures: all mass on the
  // arg-max. (A negative one is refused by checkGenerateOptions before generation; the bars
  // may still be asked to draw it, and show the arg-max rather than a reversed softmax.)
  if (s.greedy || s.temperature <= 0) {
    probs[argmax(logits)] = 1;
    return probs;
  }
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i] / s.temperature);
  let sum = 0;
  for (let i = 0; i < V; i++) {
    probs[i] = Math.exp(logits[i] / s.temperature - max);
    sum += probs[i];
  }
  for (let i = 0; i < V; i++) probs[i] /= sum;
  const k = s.topK > 0 ? Math.min(s.topK, V) : V;
  if (k < V || s.topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    let kept = 0;
    let mass = 0;
    const keep = new Uint8Array(V);
    for (const i of order) {
      if (kept >= k) break;
      if (kept > 0 && mass >= s.topP) break;
      keep[i] = 1;
      kept++;
      mass += probs[i];
    }
    let total = 0;
    for (let i = 0; i < V; i++) {
      if (!keep[i]) probs[i] = 0;
      total += probs[i];
    }
    for (let i = 0; i < V; i++) probs[i] /= total;
  }
  return probs;
}

export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Draws a token from a distribution with the seeded RNG (inverse CDF). */
export function drawToken(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng.random();
  let acc = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    acc += probs[i];
    last = i;
    if (u < acc) return i;
  }
  return last; // rounding left u just above the total
}

/** What a generation asks for: the sampling settings, how many tokens, and the seed. */
export interface GenerateOptions extends SamplingSettings {
  maxTokens: number;
  seed: number;
}

/** Most tokens one generation may ask for: 2,000 take 45–90 s on a laptop GPU. */
export const MAX_SAMPLE_TOKENS = 2000;

/** Largest sample seed: the sampler's RNG takes it as a u32. */
export const MAX_SAMPLE_SEED = 2 ** 32 - 1;

export type GenerateOptionField = 'temperature' | 'topK' | 'topP' | 'maxTokens' | 'seed';

/**
 * Why each setting cannot be used, in a sentence naming it (empty when all can). Values
 * arrive from the page's fields, a share link or an autosave: out-of-range ones are shown
 * next to their field and generation waits, rather than running with a different value.
 */
export function checkGenerateOptions(o: GenerateOptions): Partial<Record<GenerateOptionField, string>> {
  const errors: Partial<Record<GenerateOptionField, string>> = {};
  const isWhole = (v: number) => Number.isInteger(v);
  if (!Number.isFinite(o.temperature) || o.temperature < 0) {
    errors.temperature = `Temperature must be 0 or more (got ${o.temperature}); 0 is greedy.`;
  }
  if (!isWhole(o.topK) || o.topK < 0) {
    errors.topK = `Top-k must be a whole number, 0 or more (got ${o.topK}); 0 keeps every token.`;
  }
  if (!(o.topP > 0 && o.topP <= 1)) {
    errors.topP = `Top-p must be above 0 and at most 1 (got ${o.topP}); 1 keeps every token.`;
  }
  if (!isWhole(o.maxTokens) || o.maxTokens < 1 || o.maxTokens > MAX_SAMPLE_TOKENS) {
    errors.maxTokens = `Max tokens must be a whole number from 1 to ${MAX_SAMPLE_TOKENS.toLocaleString('en-US')} (got ${o.maxTokens}).`;
  }
  if (!isWhole(o.seed) || o.seed < 0 || o.seed > MAX_SAMPLE_SEED) {
    errors.seed = `Sample seed must be a whole number from 0 to ${MAX_SAMPLE_SEED.toLocaleString('en-US')} (got ${o.seed}).`;
  }
  return errors;
}
