// The views of a text token by token: how surprised the model is by each token (−log₂ p,
// its rank and the model's top guesses), and one position in full (every head's attention
// from it and the whole next-token distribution). The text is cut into consecutive windows
// of blockSize + 1 tokens: each window is one forward of blockSize inputs whose targets are
// the same tokens shifted by one, so a window's first token is the only one not predicted and
// the mean over the predicted tokens is the loss the validation loss averages.
import { unitName, type SurprisalReport, type SurprisalToken, type PositionReport } from '../../core/inspect';
import type { InspectEngine } from './engine';
import { natsOf, rankOf, softmax, topPredictions } from './math';
import { batchFor, InspectInputError, interventionsOf, textWindowStarts, type AblationInput } from './windows';

export type Label = (id: number) => string;

export interface TextOptions {
  /** Where the tokens came from, as the report says it. */
  source: 'validation' | 'text';
  /** The ablations in force; none: the plain model. */
  ablation?: AblationInput;
}

const TOP = 5;

export async function surprisal(engine: InspectEngine, tokens: Uint32Array, label: Label, opts: TextOptions): Promise<SurprisalReport> {
  const { blockSize, vocabSize: V } = engine.config;
  const interventions = interventionsOf(engine.config, opts.ablation);
  const n = tokens.length;
  const out: SurprisalToken[] = new Array(n);
  const starts = textWindowStarts(n, blockSize);
  // Windows of the same length run together: every full one, then the shorter last one.
  const byT = new Map<number, number[]>();
  for (const s of starts) {
    out[s] = { label: label(tokens[s]), bits: NaN, rank: 0, top: [] };
    const T = Math.min(blockSize + 1, n - s) - 1;
    if (T === 0) continue;
    const group = byT.get(T) ?? [];
    group.push(s);
    byT.set(T, group);
  }
  let nats = 0;
  let predicted = 0;
  for (const [T, group] of byT) {
    const step = batchFor(T, V);
    for (let g = 0; g < group.length; g += step) {
      const batch = group.slice(g, g + step);
      const inputs = new Uint32Array(batch.length * T);
      batch.forEach((s, b) => inputs.set(tokens.subarray(s, s + T), b * T));
      const { logits } = await engine.run(inputs, batch.length, T, { interventions });
      batch.forEach((s, b) => {
        for (let t = 0; t < T; t++) {
          const row = logits.subarray((b * T + t) * V, (b * T + t + 1) * V);
          const id = tokens[s + t + 1];
          const probs = softmax(row);
          const x = natsOf(row, id);
          nats += x;
          predicted++;
          out[s + t + 1] = { label: label(id), bits: x / Math.LN2, rank: rankOf(probs, id), top: topPredictions(probs, TOP, label) };
        }
      });
    }
  }
  const meanNats = predicted ? nats / predicted : NaN;
  return {
    source: opts.source,
    tokens: out,
    meanBits: meanNats / Math.LN2,
    meanNats,
    window: blockSize + 1,
    ablated: (opts.ablation?.ablations ?? []).map((a) => unitName(a.unit)),
  };
}

/**
 * Token `index` of the text, cut as the surprisal cuts it: the context is its window up to and
 * including it (the last blockSize tokens of that, for a window's last token), every head's
 * attention row from it, and the distribution of the token after it.
 */
export async function position(engine: InspectEngine, tokens: Uint32Array, index: number, label: Label, opts: Pick<TextOptions, 'ablation'> = {}): Promise<PositionReport> {
  const { blockSize, nLayer: L, nHead: NH, vocabSize: V } = engine.config;
  if (!Number.isInteger(index) || index < 0 || index >= tokens.length) {
    throw new InspectInputError(`Token ${index} is outside the text's ${tokens.length} tokens.`, 'position');
  }
  const windowStart = index - (index % (blockSize + 1));
  const context = tokens.slice(Math.max(windowStart, index - blockSize + 1), index + 1);
  const T = context.length;
  const run = await engine.run(context, 1, T, { interventions: interventionsOf(engine.config, opts.ablation), capture: { probs: true } });
  const attention = new Float32Array(L * NH * T);
  for (let l = 0; l < L; l++) {
    const probs = run.probs![l]; // (1, NH, T, T)
    for (let h = 0; h < NH; h++) attention.set(probs.subarray((h * T + T - 1) * T, (h * T + T) * T), (l * NH + h) * T);
  }
  return {
    index,
    context: Array.from(context, (id) => label(id)),
    attention,
    nLayer: L,
    nHead: NH,
    probs: Float32Array.from(softmax(run.logits.subarray((T - 1) * V, T * V))),
  };
}
