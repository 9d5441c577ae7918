// KV-cached decoding gives the logits a full-sequence forward gives, for every causal
// variant; generation is reproducible per seed and crosses the context window correctly.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { expectClose } from '../testing/compare';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { ModelWeights } from '../model/weights';
import { GptPlan } from '../model/gpt';
import { RefGPT } from '../ref/model';
import { Decoder } from './decoder';
import { countGpuCalls } from '../gpu/counters';
import { Inference } from './inference';
import { HalfWeights } from '../model/half-weights';
import { generate, RerunSource, type LogitsSource } from './generate';
import { defaultKernelConfig } from '../tune/defaults';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
// Both sides are float32 with different summation orders (one row against many).
const TOL = { atol: 1e-4, rtol: 1e-4 };

async function model(cfg: GPTConfig, seed: number) {
  const gpu = await getTestGpu();
  const layout = paramLayout(cfg);
  // Larger weights than the init so that attention is far from uniform and positions matter.
  const params = initParams(cfg, layout, seed).map((x) => x * 8);
  const weights = new ModelWeights(gpu, cfg);
  weights.write('params', params);
  return { gpu, weights, params };
}

describe('KV-cached decoder', () => {
  const variants: [string, Partial<GPTConfig>][] = [
    ['pre-LN', {}],
    ['post-LN, ReLU', { norm: 'post', activation: 'relu' }],
    ['sinusoidal positions', { positions: 'sinusoidal' }],
  ];
  for (const [name, v] of variants) {
    it(`${name}: each decoded position's logits equal the full-sequence logits`, async () => {
      const seed = testSeed();
      const cfg = { ...tiny, ...v };
      const { gpu, weights, params } = await model(cfg, seed);
      const rng = new Rng(seed);
      const seq = Uint32Array.from({ length: cfg.blockSize }, () => rng.int(cfg.vocabSize));
      const dec = await Decoder.build(gpu, defaultKernelConfig(gpu), weights);
      const inf = new Inference(gpu, defaultKernelConfig(gpu), weights);
      const full = await inf.logits(seq); // (T, V)
      const ref = new RefGPT(cfg, params).forward(seq, null, 1, seq.length).logits;
      const V = cfg.vocabSize;
      const promptLen = 3;
      const got = [await dec.prefill(seq.subarray(0, promptLen))];
      for (let t = promptLen; t < seq.length; t++) got.push((await dec.next(seq[t]))!);
      got.forEach((logits, i) => {
        const t = promptLen - 1 + i;
        expectClose(`${name}: decoded logits at t=${t} vs full GPU`, logits, full.subarray(t * V, (t + 1) * V), TOL, seed);
        expectClose(`${name}: decoded logits at t=${t} vs reference`, logits, ref.subarray(t * V, (t + 1) * V), TOL, seed);
      });
      expect(await dec.next(1)).toBeNull(); // full: the generator crops and prefills
      dec.destroy();
      inf.destroy();
      weights.destroy();
    });
  }

  it('f16 weights: cached decoding equals the f16 full-sequence forward, both close to f32, and the copy follows new weights', async () => {
    const seed = testSeed();
    const { gpu, weights, params } = await model(tiny, seed);
    const rng = new Rng(seed);
    const seq = Uint32Array.from({ length: tiny.blockSize }, () => rng.int(tiny.vocabSize));
    const half = await HalfWeights.create(gpu, weights);
    const f32 = new Inference(gpu, defaultKernelConfig(gpu), weights);
    const f16 = new Inference(gpu, defaultKernelConfig(gpu), weights, { half });
    const dec = await Decoder.build(gpu, defaultKernelConfig(gpu), weights, { half });
    const V = tiny.vocabSize;
    const check = async (what: string) => {
      const full32 = await f32.logits(seq);
      const full16 = await f16.logits(seq);
      const got = [await dec.prefill(seq.subarray(0, 3))];
      for (let t = 3; t < seq.length; t++) got.push((await dec.next(seq[t]))!);
      got.forEach((logits, i) => {
        const t = 2 + i;
        expectClose(`${what}: f16 decoded logits at t=${t} vs f16 full`, logits, full16.subarray(t * V, (t + 1) * V), TOL, seed);
      });
      // Weights scaled ×8 make logits of order 10–100; f16 keeps ~3 significant digits.
      const scale = full32.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      let worst = 0;
      for (let i = 0; i < full32.length; i++) worst = Math.max(worst, Math.abs(full16[i] - full32[i]));
      expect(worst, `${what}: f16 vs f32 logits, scale ${scale}, seed ${seed}`).toBeLessThan(1e-2 * scale);
      expect(worst, `${what}: the f16 path really rounds`).toBeGreaterThan(0);
      return full16;
    };
    const before = await check('initial weights');
    weights.write('params', params.map((x) => -x));
    const after = await check('after new weights');
    expect(after[0]).not.toBe(before[0]);
    await expect(GptPlan.build(gpu, defaultKernelConfig(gpu), weights, { B: 1, T: 4, training: true, half })).rejects.toThrow(/inference/);
    dec.destroy();
    f16.destroy();
    f32.destroy();
    half.destroy();
    weights.destroy();
  });

  it('one submission per decoded token, its logits read back in it', async () => {
    const { gpu, weights } = await model(tiny, testSeed());
    const dec = await Decoder.build(gpu, defaultKernelConfig(gpu), weights);
    await dec.prefill(Uint32Array.of(1, 2));
    const { counts, stop } = countGpuCalls(gpu);
    try {
      for (let t = 0; t < 3; t++) expect(await dec.next(t + 3)).toHaveLength(tiny.vocabSize);
    } finally {
      stop();
    }
    expect(counts.submits).toBe(3);
    dec.destroy();
    weights.destroy();
  });

  it('generation: same seed same tokens; KV cache and full re-run agree past the context window', async () => {
    const seed = testSeed();
    const { gpu, weights } = await model(tiny, seed);
    const dec = await Decoder.build(gpu, defaultKernelConfig(gpu), weights);
    const inf = new Inference(gpu, defaultKernelConfig(gpu), weights);
    const rerun = new RerunSource(tiny.blockSize, tiny.vocabSize, (ctx) => inf.logits(ctx));
    const opts = { temperature: 1, topK: 0, topP: 1, greedy: false, maxTokens: 14, seed }; // > blockSize
    const collect = async (src: LogitsSource) => {
      const out: number[] = [];
      for await (const t of generate(src, Uint32Array.of(1, 2, 3), opts)) out.push(t.token);
      return out;
    };
    const a = await collect(dec);
    const b = await collect(dec);
    const c = await collect(rerun);
    expect(a).toHaveLength(14);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    dec.destroy();
    inf.destroy();
    weights.destroy();
  });
});
