// Looking inside a model: what the Inspect area asks the engine, and the interventions both
// engines (the GPU one and the float64 reference) apply during a forward. Pure data and
// pure functions, no I/O.
//
// An intervention acts at one of three sites of a layer, on groups of its width C:
//   'heads' (site 0): the attention's output before c_proj (atty, (B,T,C)); group h is head h's
//                     slice [h·hs, (h+1)·hs).
//   'attn'  (site 1): the attention sublayer's contribution to the residual stream,
//                     residual2 − x (c_proj's output with its bias); one group, slot 0.
//   'mlp'   (site 2): the MLP sublayer's contribution, residual3 − (pre-LN: residual2; post-LN:
//                     ln1); one group, slot 0.
// A group's mode says what replaces it: KEEP (nothing: the forward is exactly the plain one),
// ZERO, SET (values[l][site], e.g. a mean over validation text) or PATCH (sources[l][site][t],
// the value a source run had at the same position t, for every sequence of the batch).
import { headSize, type GPTConfig } from './config';

export const SITE_HEADS = 0;
export const SITE_ATTN = 1;
export const SITE_MLP = 2;
export const SITES = 3;

export const MODE_KEEP = 0;
export const MODE_ZERO = 1;
export const MODE_SET = 2;
export const MODE_PATCH = 3;

export type AblationMode = 'zero' | 'mean';

/** One head of a layer, or a whole sublayer of it. */
export type Unit = { layer: number; head: number } | { layer: number; part: 'attn' | 'mlp' };

export interface Ablation {
  unit: Unit;
  mode: AblationMode;
}

/** What the engines read: flat arrays, the same for the GPU kernel and the reference. */
export interface Interventions {
  /** (L, SITES, NH) modes; the attn and mlp sites use slot 0 only. */
  modes: Uint32Array;
  /** (L, SITES, C): what SET puts in (for heads, head h's slice of the row). */
  values: Float32Array;
  /** (L, SITES, sourceT, C): what PATCH puts in at position t; empty when nothing is patched. */
  sources: Float32Array;
  /** Positions in `sources` (a patched forward's T must equal it). */
  sourceT: number;
}

/** The site and slot of a unit. */
export function siteOf(unit: Unit): { site: number; slot: number } {
  if ('head' in unit) return { site: SITE_HEADS, slot: unit.head };
  return { site: unit.part === 'attn' ? SITE_ATTN : SITE_MLP, slot: 0 };
}

export function unitName(unit: Unit): string {
  return 'head' in unit ? `L${unit.layer + 1} H${unit.head + 1}` : `L${unit.layer + 1} ${unit.part === 'attn' ? 'attention' : 'MLP'}`;
}

export function sameUnit(a: Unit, b: Unit): boolean {
  return a.layer === b.layer && ('head' in a ? 'head' in b && a.head === b.head : 'part' in b && a.part === b.part);
}

/** Why a unit does not exist in this model, or null. */
export function unitProblem(config: GPTConfig, unit: Unit): string | null {
  if (!Number.isInteger(unit.layer) || unit.layer < 0 || unit.layer >= config.nLayer) return `there is no layer ${unit.layer + 1} (the model has ${config.nLayer})`;
  if ('head' in unit && (!Number.isInteger(unit.head) || unit.head < 0 || unit.head >= config.nHead)) return `there is no head ${unit.head + 1} (a layer has ${config.nHead})`;
  return null;
}

export function noInterventions(config: GPTConfig): Interventions {
  const { nLayer: L, nHead: NH, nEmbd: C } = config;
  return { modes: new Uint32Array(L * SITES * NH), values: new Float32Array(L * SITES * C), sources: new Float32Array(0), sourceT: 0 };
}

/** Whether any group is changed. */
export function intervenes(iv: Interventions): boolean {
  return iv.modes.some((m) => m !== MODE_KEEP);
}

/**
 * Throws unless `iv` fits the model and a forward of T positions: the arrays' sizes, known
 * modes, and (when anything is patched) sources of exactly T positions.
 */
export function checkInterventions(config: GPTConfig, iv: Interventions, T: number): void {
  const { nLayer: L, nHead: NH, nEmbd: C } = config;
  if (iv.modes.length !== L * SITES * NH) throw new RangeError(`interventions: ${iv.modes.length} modes, the model has ${L * SITES * NH} groups`);
  if (iv.values.length !== L * SITES * C) throw new RangeError(`interventions: ${iv.values.length} values, the model needs ${L * SITES * C}`);
  if (iv.modes.some((m) => m > MODE_PATCH)) throw new RangeError('interventions: unknown mode');
  if (!iv.modes.includes(MODE_PATCH)) return;
  if (iv.sourceT !== T) throw new RangeError(`a patched forward has ${T} positions, the source run had ${iv.sourceT}`);
  if (iv.sources.length !== L * SITES * T * C) throw new RangeError(`interventions: ${iv.sources.length} source values, ${L * SITES * T * C} expected`);
}

export interface InterventionInput {
  ablations?: readonly Ablation[];
  /** (L, SITES, C): each site's mean over some text; needed by 'mean' ablations. */
  means?: Float32Array;
  /** Units whose output is taken from the source run, position by position. */
  patches?: readonly Unit[];
  /** (L, SITES, T, C): a source run's site values (see InspectRun.sites with B = 1). */
  source?: Float32Array;
  /** The source's positions. */
  sourceT?: number;
}

/** The flat interventions for ablations (zero or mean) and patches from a source run. */
export function buildInterventions(config: GPTConfig, input: InterventionInput): Interventions {
  const { nHead: NH, nEmbd: C } = config;
  const hs = headSize(config);
  const iv = noInterventions(config);
  const set = (unit: Unit, mode: number) => {
    const problem = unitProblem(config, unit);
    if (problem) throw new RangeError(problem);
    const { site, slot } = siteOf(unit);
    iv.modes[(unit.layer * SITES + site) * NH + slot] = mode;
    return { site, slot };
  };
  for (const a of input.ablations ?? []) {
    const { site, slot } = set(a.unit, a.mode === 'zero' ? MODE_ZERO : MODE_SET);
    if (a.mode === 'mean') {
      if (!input.means) throw new Error('a mean ablation needs the means');
      const from = site === SITE_HEADS ? slot * hs : 0;
      const to = site === SITE_HEADS ? from + hs : C;
      const row = (a.unit.layer * SITES + site) * C;
      iv.values.set(input.means.subarray(row + from, row + to), row + from);
    }
  }
  if (input.patches?.length) {
    if (!input.source || !input.sourceT) throw new Error('a patch needs a source run');
    iv.sources = input.source;
    iv.sourceT = input.sourceT;
    for (const u of input.patches) set(u, MODE_PATCH);
  }
  return iv;
}

// ---- What the Inspect area asks, and what comes back ----

export interface Prediction {
  label: string;
  p: number;
}

export type InspectQuery =
  /** −log₂ p of every token of `text` (null: the validation split), up to maxTokens of it. */
  | { kind: 'surprisal'; text: string | null; maxTokens?: number }
  /** Token `index` of that same text: its attention rows and the whole next-token distribution. */
  | { kind: 'position'; text: string | null; index: number; maxTokens?: number }
  /** The validation loss with each head (and each sublayer) off alone. */
  | { kind: 'ablationTable'; mode: AblationMode }
  /** Top predictions read from the residual stream after each layer, at `position` (−1: last). */
  | { kind: 'lens'; prompt: string; position: number }
  /** Each unit's output patched from `clean` into `corrupt`: the target's probability after. */
  | { kind: 'patch'; clean: string; corrupt: string; target: string }
  | { kind: 'embeddings' }
  /** The MLP neurons firing most at `position` (−1: last) of `prompt`, per layer. */
  | { kind: 'neuronsAt'; prompt: string; position: number }
  /** The validation text positions that drive neuron `index` of layer `layer` most. */
  | { kind: 'neuron'; layer: number; index: number };

export interface SurprisalToken {
  label: string;
  /** −log₂ p(token | the tokens before it); NaN for a window's first token (nothing predicts it). */
  bits: number;
  /** 1 = the model's top choice. 0 where bits is NaN. */
  rank: number;
  /** The five most likely tokens at this position. */
  top: Prediction[];
}

export interface SurprisalReport {
  source: 'validation' | 'text';
  tokens: SurprisalToken[];
  /** Mean over the predicted tokens, in bits and in nats (the loss's unit). */
  meanBits: number;
  meanNats: number;
  /** The text was cut into windows of the block size; each window's first token is not predicted. */
  window: number;
  /** The ablations in force when it was measured (names), empty when none. */
  ablated: string[];
}

export interface PositionReport {
  index: number;
  /** The tokens the position attends over (its window up to it). */
  context: string[];
  /** (L, NH, context.length): each head's attention from this position. */
  attention: Float32Array;
  nLayer: number;
  nHead: number;
  /** The whole next-token distribution after this position (V). */
  probs: Float32Array;
}

export interface AblationRow {
  unit: Unit;
  name: string;
  loss: number;
  /** loss − baseLoss. */
  delta: number;
}

export interface AblationTableReport {
  mode: AblationMode;
  baseLoss: number;
  rows: AblationRow[];
  /** Validation windows measured (batches × batch size). */
  sequences: number;
}

export interface LensReport {
  position: number;
  /** The prompt's tokens; `position` indexes them. */
  tokens: string[];
  /** 'embeddings', 'after layer 1', …: each with its top predictions. */
  rows: { name: string; top: Prediction[] }[];
}

export interface PatchReport {
  target: string;
  tokens: { clean: string[]; corrupt: string[] };
  /** p(target) at the last position of each prompt, untouched. */
  cleanP: number;
  corruptP: number;
  /** (L, NH) p(target) with that head patched from clean into corrupt. */
  heads: Float32Array;
  /** p(target) with a whole sublayer patched. */
  sublayers: { layer: number; attn: number; mlp: number }[];
}

export interface EmbeddingPoint {
  label: string;
  x: number;
  y: number;
  /** Nearest tokens by cosine similarity (the point itself excluded). */
  neighbours: { label: string; cos: number }[];
}

export interface EmbeddingsReport {
  tokens: EmbeddingPoint[];
  /** Position embeddings in the same projection (learned ones, or the fixed sinusoids). */
  positions: EmbeddingPoint[];
  /** Fraction of the token embeddings' variance along each of the two axes. */
  explained: [number, number];
}

export interface NeuronsAtReport {
  position: number;
  tokens: string[];
  layers: { layer: number; top: { index: number; value: number }[] }[];
}

export interface NeuronReport {
  layer: number;
  index: number;
  /** The strongest activations over validation text, strongest first. */
  top: { value: number; context: string; token: string }[];
}

export interface InspectResultOf {
  surprisal: SurprisalReport;
  position: PositionReport;
  ablationTable: AblationTableReport;
  lens: LensReport;
  patch: PatchReport;
  embeddings: EmbeddingsReport;
  neuronsAt: NeuronsAtReport;
  neuron: NeuronReport;
}

export type InspectResult = InspectResultOf[InspectQuery['kind']];
