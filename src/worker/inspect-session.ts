// The Inspect area inside the worker: the views' queries answered on the model as it is now,
// and the units switched off. Those are live: while any is off, samples (and their next-token
// bars), the attention maps and the views are computed by the model's inspector with them
// off; with none off the session's usual fast paths run unchanged. Training is not affected.
import type { GPTConfig } from '../core/config';
import { unitName, unitProblem, type Ablation, type InspectQuery, type InspectResult, type Unit } from '../core/inspect';
import type { TrainSettings } from '../core/settings';
import { ablationTable, patch, siteMeans } from '../engine/inspect/analyses-ablation';
import { embeddings } from '../engine/inspect/analyses-embeddings';
import { lens, neuron, neuronsAt } from '../engine/inspect/analyses-lens';
import { position, surprisal } from '../engine/inspect/analyses-text';
import { evenWindows, InspectInputError, interventionsOf, type AblationInput, type Windows } from '../engine/inspect/windows';
import { RerunSource, type LogitsSource } from '../engine/sample/generate';
import type { Tokenizer } from '../engine/tokenize';
import { splitTokens } from '../engine/train/data';
import type { ModelBackend } from './backends';
import { InputError } from './errors';

/** What the session lends: each throws the session's own InputError when it has none yet. */
export interface InspectHost {
  backend(): ModelBackend;
  model(): { config: GPTConfig; settings: TrainSettings; tokenizer: Tokenizer; tokens: Uint32Array };
  /** A prompt as sampling encodes it (unknown characters skipped; empty: the text's first token). */
  encodePrompt(prompt: string): Uint32Array;
}

/** Tokens of a text (or of the validation split) the surprisal measures unless asked for more. */
export const DEFAULT_SURPRISAL_TOKENS = 2000;
export const MAX_SURPRISAL_TOKENS = 20_000;

export class InspectSession {
  private ablations: Ablation[] = [];
  /** The site means mean ablation puts in, for one model at one step. */
  private means: { backend: ModelBackend; step: number; means: Float32Array } | null = null;

  constructor(private readonly host: InspectHost) {}

  /** Whether any unit is off. */
  get active(): boolean {
    return this.ablations.length > 0;
  }

  /** A new model or new text: every unit on again. */
  clear(): void {
    this.ablations = [];
    this.means = null;
  }

  /** The weights changed other than by a step (a restore): the means are measured again. */
  modelChanged(): void {
    this.means = null;
  }

  setAblations(list: Ablation[]): { ablated: string[] } {
    this.host.backend();
    const { config } = this.host.model();
    const kept: Ablation[] = [];
    for (const a of list) {
      const problem = shapeProblem(a) ?? unitProblem(config, a.unit);
      if (problem) throw new InputError('ablations', `A unit cannot be switched off: ${problem}.`);
      // The same unit twice: the later mode wins.
      const unit: Unit = 'head' in a.unit ? { layer: a.unit.layer, head: a.unit.head } : { layer: a.unit.layer, part: a.unit.part };
      const at = kept.findIndex((k) => unitName(k.unit) === unitName(unit));
      if (at >= 0) kept.splice(at, 1);
      kept.push({ unit, mode: a.mode });
    }
    this.ablations = kept;
    return { ablated: kept.map((a) => unitName(a.unit)) };
  }

  /** While units are off: a source of next-token logits computed with them off; null otherwise. */
  async logitsSource(): Promise<LogitsSource | null> {
    if (!this.active) return null;
    const backend = this.host.backend();
    const engine = backend.inspector();
    const c = engine.config;
    const interventions = interventionsOf(c, await this.ablationInput());
    // The GPU builds a plan per length: a causal model's context is padded to the block size
    // (the positions after it do not change its logits), so that one plan serves every token.
    const pad = backend.kind === 'gpu' && c.causal;
    return new RerunSource(c.blockSize, c.vocabSize, async (ctx) => {
      const tokens = pad ? new Uint32Array(c.blockSize) : ctx;
      if (pad) tokens.set(ctx);
      return (await engine.run(tokens, 1, tokens.length, { interventions })).logits.subarray(0, ctx.length * c.vocabSize);
    });
  }

  /** While units are off: every layer's attention probabilities (NH, T, T) with them off; null otherwise. */
  async attention(tokens: Uint32Array): Promise<Float32Array[] | null> {
    if (!this.active) return null;
    const engine = this.host.backend().inspector();
    const interventions = interventionsOf(engine.config, await this.ablationInput());
    return (await engine.run(tokens, 1, tokens.length, { interventions, capture: { probs: true } })).probs!;
  }

  async query(q: InspectQuery): Promise<InspectResult> {
    try {
      return await this.answer(q);
    } catch (e) {
      if (e instanceof InspectInputError) throw new InputError(e.field, e.message);
      throw e;
    }
  }

  private async answer(q: InspectQuery): Promise<InspectResult> {
    const engine = this.host.backend().inspector();
    const { tokenizer, config } = this.host.model();
    const label = (id: number) => tokenizer.tokenLabel(id);
    // Measured with the units off, except the table (each unit alone) and the embeddings (weights).
    const ablation = () => this.ablationInput();
    switch (q.kind) {
      case 'surprisal': {
        const { tokens, source } = this.textTokens(q.text, q.maxTokens);
        return surprisal(engine, tokens, label, { source, ablation: await ablation() });
      }
      case 'position':
        return position(engine, this.textTokens(q.text, q.maxTokens).tokens, q.index, label, { ablation: await ablation() });
      case 'ablationTable':
        return ablationTable(engine, this.windows(), q.mode, q.mode === 'mean' ? await this.siteMeans() : undefined);
      case 'lens':
        return lens(engine, this.host.encodePrompt(q.prompt), q.position, label, { ablation: await ablation() });
      case 'patch': {
        const clean = this.promptTokens(q.clean, 'clean');
        const corrupt = this.promptTokens(q.corrupt, 'corrupt');
        return patch(engine, clean, corrupt, this.targetToken(q.target), label, { ablation: await ablation() });
      }
      case 'embeddings':
        return embeddings(config, await engine.params(), label);
      case 'neuronsAt':
        return neuronsAt(engine, this.host.encodePrompt(q.prompt), q.position, label, { ablation: await ablation() });
      case 'neuron':
        return neuron(engine, this.windows(), q.layer, q.index, label, { ablation: await ablation() });
      default:
        throw new InputError('inspect', `There is no view '${(q as { kind: string }).kind}'.`);
    }
  }

  /** The units off and, when any is mean-ablated, the means; undefined when none is off. */
  private async ablationInput(): Promise<AblationInput | undefined> {
    if (!this.active) return undefined;
    const ablations = this.ablations;
    return { ablations, means: ablations.some((a) => a.mode === 'mean') ? await this.siteMeans() : undefined };
  }

  /** Each site's mean over the validation windows, measured once per model and step. */
  private async siteMeans(): Promise<Float32Array> {
    const backend = this.host.backend();
    const step = backend.step;
    if (this.means?.backend === backend && this.means.step === step) return this.means.means;
    const means = await siteMeans(backend.inspector(), this.windows());
    this.means = { backend, step, means };
    return means;
  }

  private validation(): Uint32Array {
    const { tokens, settings } = this.host.model();
    return splitTokens(tokens, settings.blockSize).val;
  }

  /** The fixed validation windows of the training block size (the validation loss's windows). */
  private windows(): Windows {
    return evenWindows(this.validation(), this.host.model().settings.blockSize);
  }

  /** The tokens a text view measures: the text's (or the validation split's) first maxTokens. */
  private textTokens(text: string | null, maxTokens = DEFAULT_SURPRISAL_TOKENS): { tokens: Uint32Array; source: 'validation' | 'text' } {
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_SURPRISAL_TOKENS) {
      throw new InputError('text', `The number of tokens to measure must be a whole number from 1 to ${MAX_SURPRISAL_TOKENS.toLocaleString('en')} (got ${maxTokens}).`);
    }
    if (text === null) return { tokens: this.validation().subarray(0, maxTokens), source: 'validation' };
    const ids = this.host.model().tokenizer.encode(text, { unknown: 'skip' });
    if (ids.length === 0) throw new InputError('text', 'The text has no characters this model knows: type or paste some text.');
    return { tokens: ids.subarray(0, maxTokens), source: 'text' };
  }

  private promptTokens(prompt: string, field: 'clean' | 'corrupt'): Uint32Array {
    const ids = this.host.model().tokenizer.encode(prompt, { unknown: 'skip' });
    if (ids.length === 0) throw new InputError(field, `The ${field === 'clean' ? 'clean' : 'corrupted'} prompt has no characters this model knows.`);
    return ids;
  }

  /** The target of a patch: exactly one token. */
  private targetToken(target: string): number {
    const { tokenizer } = this.host.model();
    const ids = tokenizer.encode(target, { unknown: 'skip' });
    if (ids.length !== 1) {
      const parts = Array.from(ids, (id) => `'${tokenizer.tokenLabel(id)}'`).join(' ');
      throw new InputError('target', ids.length === 0 ? 'The target has no characters this model knows: type one token.' : `The target must be one token; it is ${ids.length}: ${parts}.`);
    }
    return ids[0];
  }
}

/** Why an ablation sent over the wire is not one, or null. */
function shapeProblem(a: Ablation): string | null {
  if (a.mode !== 'zero' && a.mode !== 'mean') return `unknown mode '${String(a.mode)}' (zero or mean)`;
  const u = a.unit as Partial<{ layer: unknown; head: unknown; part: unknown }>;
  if (typeof u.layer !== 'number') return 'a unit needs a layer';
  if ('head' in u) return typeof u.head === 'number' ? null : 'a head needs a number';
  return u.part === 'attn' || u.part === 'mlp' ? null : `unknown part '${String(u.part)}' (attn or mlp)`;
}
