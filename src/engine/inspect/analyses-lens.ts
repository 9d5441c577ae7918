// Reading the model's intermediate state at one position of a prompt: the logit lens (the
// residual stream after the embeddings and after each layer, sent straight to the LM head)
// and the MLP neurons that fire most there; and, the other way round, the validation text
// that drives one neuron most.
import type { LensReport, NeuronReport, NeuronsAtReport } from '../../core/inspect';
import { paramLayout } from '../../core/params';
import type { InspectEngine } from './engine';
import type { Label } from './analyses-text';
import { lensLogits, softmax, topIndices, topPredictions } from './math';
import { InspectInputError, interventionsOf, resolvePosition, runWindows, type AblationInput, type Windows } from './windows';

const LENS_TOP = 5;
const NEURONS_AT_TOP = 8;
const NEURON_TOP = 10;
/** Tokens shown before a neuron's strongest position. */
const NEURON_CONTEXT = 8;

/** The last blockSize tokens of a prompt: what one forward reads. */
const cropped = (tokens: Uint32Array, blockSize: number) => tokens.subarray(Math.max(0, tokens.length - blockSize));

export async function lens(engine: InspectEngine, prompt: Uint32Array, position: number, label: Label, opts: { ablation?: AblationInput } = {}): Promise<LensReport> {
  const config = engine.config;
  const C = config.nEmbd;
  const tokens = cropped(prompt, config.blockSize);
  const T = tokens.length;
  const p = resolvePosition(position, T);
  const run = await engine.run(tokens, 1, T, { interventions: interventionsOf(config, opts.ablation), capture: { residuals: true } });
  const params = await engine.params();
  const layout = paramLayout(config);
  const rows = run.residuals!.map((r, i) => {
    const probs = softmax(lensLogits(config, layout, params, r.subarray(p * C, (p + 1) * C)));
    return { name: i === 0 ? 'embeddings' : `after layer ${i}`, top: topPredictions(probs, LENS_TOP, label) };
  });
  return { position: p, tokens: Array.from(tokens, (id) => label(id)), rows };
}

export async function neuronsAt(engine: InspectEngine, prompt: Uint32Array, position: number, label: Label, opts: { ablation?: AblationInput } = {}): Promise<NeuronsAtReport> {
  const config = engine.config;
  const H = 4 * config.nEmbd;
  const tokens = cropped(prompt, config.blockSize);
  const T = tokens.length;
  const p = resolvePosition(position, T);
  const run = await engine.run(tokens, 1, T, { interventions: interventionsOf(config, opts.ablation), capture: { mlp: true } });
  const layers = run.mlp!.map((acts, layer) => {
    const row = acts.subarray(p * H, (p + 1) * H);
    return { layer, top: topIndices(row, NEURONS_AT_TOP).map((index) => ({ index, value: row[index] })) };
  });
  return { position: p, tokens: Array.from(tokens, (id) => label(id)), layers };
}

/** The positions of the windows where neuron `index` of layer `layer` is largest, with what led up to them. */
export async function neuron(engine: InspectEngine, w: Windows, layer: number, index: number, label: Label, opts: { ablation?: AblationInput } = {}): Promise<NeuronReport> {
  const config = engine.config;
  const H = 4 * config.nEmbd;
  if (!Number.isInteger(layer) || layer < 0 || layer >= config.nLayer) throw new InspectInputError(`There is no layer ${layer + 1} (the model has ${config.nLayer}).`, 'neuron');
  if (!Number.isInteger(index) || index < 0 || index >= H) throw new InspectInputError(`There is no neuron ${index} (an MLP has ${H}, 0 to ${H - 1}).`, 'neuron');
  const values = new Float32Array(w.B * w.T);
  await runWindows(engine, w, { interventions: interventionsOf(config, opts.ablation), capture: { mlp: true } }, (run, b0, B) => {
    const acts = run.mlp![layer]; // (B, T, H)
    for (let r = 0; r < B * w.T; r++) values[b0 * w.T + r] = acts[r * H + index];
  });
  const top = topIndices(values, NEURON_TOP).map((at) => {
    const t = at % w.T;
    const before = w.inputs.subarray(at - Math.min(t, NEURON_CONTEXT), at);
    return { value: values[at], context: Array.from(before, (id) => label(id)).join(''), token: label(w.inputs[at]) };
  });
  return { layer, index, top };
}
