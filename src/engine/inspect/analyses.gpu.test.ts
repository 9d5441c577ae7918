// Every Inspect view computed on the GPU inspector and on the float64 reference inspector
// over the same weights gives the same report: the analyses are one code, and this checks
// that the GPU's float32 forward feeds them numbers within float32's reach of the oracle's.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import type { Prediction, SurprisalReport } from '../../core/inspect';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { ModelWeights } from '../model/weights';
import { CharTokenizer, trainBpe, type Tokenizer } from '../tokenize';
import { splitTokens } from '../train/data';
import { expectClose, type Tolerance } from '../testing/compare';
import { getTestGpu } from '../testing/gpu';
import { testSeed } from '../testing/seed';
import { defaultKernelConfig } from '../tune/defaults';
import { ablationTable, patch, siteMeans } from './analyses-ablation';
import { embeddings } from './analyses-embeddings';
import { lens, neuron, neuronsAt } from './analyses-lens';
import { position, surprisal } from './analyses-text';
import type { InspectEngine } from './engine';
import { GpuInspector } from './gpu-inspector';
import { RefInspector } from './ref-inspector';
import { evenWindows } from './windows';

// float32 kernels against float64 (see gpu-inspector.gpu.test.ts): a logit is off by a few
// 1e-7 of the largest, so a probability by ~1e-7..1e-6 and −log₂ p by a few 1e-6 bits; a mean
// over many tokens less. Activations are compared relative to the largest one. Each tolerance
// is about ten times the worst error measured over random seeds; a wrong position, head or
// token is off by far more (probabilities by ~1e-2).
const P_TOL: Tolerance = { atol: 2.5e-6, rtol: 2.5e-5 };
const NATS_TOL: Tolerance = { atol: 1e-5, rtol: 1e-5 };
const BITS_TOL: Tolerance = { atol: 2e-5, rtol: 2e-6 };
const ACT_RTOL = 5e-6;

const TEXT = 'The quick brown fox jumps over the lazy dog; the dog sleeps, the fox runs away.\n'.repeat(6);

function weightsFor(config: GPTConfig, seed: number): Float32Array {
  const layout = paramLayout(config);
  const rng = new Rng(seed ^ 0xa11);
  // Larger than the init, so that heads and sublayers matter; LN γ/β and biases away from 1/0.
  const p = initParams(config, layout, seed).map((x) => x * 5);
  for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) p[e.offset + i] += rng.normal() * 0.1;
  return p;
}

const probs = (top: Prediction[]) => top.map((x) => x.p);
const finite = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? 0 : x));
const maxAbs = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Runs `body` with a GPU and a reference inspector over the same weights of `config`. */
async function withBoth(config: GPTConfig, seed: number, body: (gpu: InspectEngine, ref: InspectEngine, params: Float32Array) => Promise<void>) {
  const gpu = await getTestGpu();
  const params = weightsFor(config, seed);
  const weights = new ModelWeights(gpu, config);
  weights.write('params', params);
  const inspector = new GpuInspector(gpu, defaultKernelConfig(gpu), weights);
  try {
    await body(inspector, new RefInspector(config, () => params), params);
  } finally {
    inspector.destroy();
    weights.destroy();
  }
}

function compareSurprisal(what: string, got: SurprisalReport, want: SurprisalReport, seed: number) {
  expect(got.tokens.map((t) => t.label)).toEqual(want.tokens.map((t) => t.label));
  expect(got.tokens.map((t) => Number.isNaN(t.bits))).toEqual(want.tokens.map((t) => Number.isNaN(t.bits)));
  expectClose(`${what}: bits`, finite(got.tokens.map((t) => t.bits)), finite(want.tokens.map((t) => t.bits)), BITS_TOL, seed);
  expectClose(`${what}: top p`, got.tokens.flatMap((t) => probs(t.top)), want.tokens.flatMap((t) => probs(t.top)), P_TOL, seed);
  expectClose(`${what}: mean`, [got.meanNats, got.meanBits], [want.meanNats, want.meanBits], NATS_TOL, seed);
}

describe('Inspect views: GPU inspector = reference inspector', () => {
  for (const norm of ['pre', 'post'] as const) {
    it(`every view, char tokenizer, ${norm}-LN`, async () => {
      const seed = testSeed();
      const tok: Tokenizer = CharTokenizer.fromCorpus(TEXT);
      const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: tok.vocabSize, norm };
      const label = (id: number) => tok.tokenLabel(id);
      const val = splitTokens(tok.encode(TEXT), config.blockSize).val;
      const w = evenWindows(val, config.blockSize);
      const ablation = { ablations: [{ unit: { layer: 0, head: 1 }, mode: 'zero' as const }, { unit: { layer: 1, part: 'mlp' as const }, mode: 'zero' as const }] };
      await withBoth(config, seed, async (gpu, ref) => {
        // Surprisal over validation text (several windows and a shorter last one), plain and ablated.
        const text = val.subarray(0, 3 * (config.blockSize + 1) + 4);
        for (const a of [undefined, ablation]) {
          const got = await surprisal(gpu, text, label, { source: 'validation', ablation: a });
          const want = await surprisal(ref, text, label, { source: 'validation', ablation: a });
          compareSurprisal(`surprisal${a ? ', ablated' : ''}`, got, want, seed);
        }

        const pos = [await position(gpu, text, 12, label), await position(ref, text, 12, label)];
        expect(pos[0].context).toEqual(pos[1].context);
        expectClose('position: attention', pos[0].attention, pos[1].attention, P_TOL, seed);
        expectClose('position: next token', pos[0].probs, pos[1].probs, P_TOL, seed);

        const means = [await siteMeans(gpu, w), await siteMeans(ref, w)];
        expectClose('site means', means[0], means[1], { atol: ACT_RTOL * maxAbs(means[1]), rtol: ACT_RTOL }, seed);
        for (const mode of ['zero', 'mean'] as const) {
          const [got, want] = [await ablationTable(gpu, w, mode), await ablationTable(ref, w, mode)];
          expect(got.rows.map((r) => r.name)).toEqual(want.rows.map((r) => r.name));
          expectClose(`ablation table (${mode})`, [got.baseLoss, ...got.rows.map((r) => r.loss)], [want.baseLoss, ...want.rows.map((r) => r.loss)], NATS_TOL, seed);
          expect(Math.max(...want.rows.map((r) => Math.abs(r.delta)))).toBeGreaterThan(1e-2); // not a comparison of nothing
        }

        const prompt = tok.encode('the lazy fox');
        const lenses = [await lens(gpu, prompt, -1, label), await lens(ref, prompt, -1, label)];
        expectClose('lens', lenses[0].rows.flatMap((r) => probs(r.top)), lenses[1].rows.flatMap((r) => probs(r.top)), P_TOL, seed);

        const [clean, corrupt] = [tok.encode('the quick'), tok.encode('the lazy ')];
        const target = tok.encode(' ')[0];
        const patches = [await patch(gpu, clean, corrupt, target, label), await patch(ref, clean, corrupt, target, label)];
        const flat = (r: (typeof patches)[number]) => [r.cleanP, r.corruptP, ...r.heads, ...r.sublayers.flatMap((s) => [s.attn, s.mlp])];
        expectClose('patch', flat(patches[0]), flat(patches[1]), P_TOL, seed);

        const at = [await neuronsAt(gpu, prompt, 4, label), await neuronsAt(ref, prompt, 4, label)];
        const values = (r: (typeof at)[number]) => r.layers.flatMap((l) => l.top.map((x) => x.value));
        expectClose('neurons at', values(at[0]), values(at[1]), { atol: ACT_RTOL * maxAbs(values(at[1])), rtol: ACT_RTOL }, seed);
        const one = [await neuron(gpu, w, 1, 7, label), await neuron(ref, w, 1, 7, label)];
        const top = (r: (typeof one)[number]) => r.top.map((x) => x.value);
        expectClose('neuron', top(one[0]), top(one[1]), { atol: ACT_RTOL * maxAbs(top(one[1])), rtol: ACT_RTOL }, seed);

        // The same weights read back: the same map.
        expect(embeddings(config, await gpu.params(), label)).toEqual(embeddings(config, await ref.params(), label));
      });
    });
  }

  it('surprisal with a BPE tokenizer', async () => {
    const seed = testSeed();
    const tok = trainBpe(TEXT, 300);
    const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: tok.vocabSize };
    const label = (id: number) => tok.tokenLabel(id);
    const text = tok.encode(TEXT.slice(0, 120));
    expect(text.length).toBeGreaterThan(config.blockSize + 2); // more than one window
    await withBoth(config, seed, async (gpu, ref) => {
      const got = await surprisal(gpu, text, label, { source: 'text' });
      const want = await surprisal(ref, text, label, { source: 'text' });
      compareSurprisal('BPE surprisal', got, want, seed);
    });
  });
});
