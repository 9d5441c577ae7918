// The reference inspector against independent constructions of the same forward: the plain
// reference model, and models whose weights were edited to do what an intervention does.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { buildInterventions, noInterventions, SITE_ATTN, SITE_HEADS, SITE_MLP, SITES } from '../../core/inspect';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { RefGPT } from '../ref/model';
import { compare } from '../testing/compare';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { RefInspector } from './ref-inspector';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 3, nEmbd: 12, blockSize: 6, vocabSize: 11 };
// Both sides are the same float64 arithmetic rounded once to float32, except where an edited
// weight and an intervention reach the same value by different float64 roundings (~1e-16
// relative): far below a float32 ulp, so an atol/rtol of 1e-6 only forgives the last f32 ulp.
const TOL = { atol: 1e-6, rtol: 1e-6 };

function setup(v: Partial<GPTConfig>, seed: number) {
  const cfg = { ...tiny, ...v };
  const layout = paramLayout(cfg);
  const rng = new Rng(seed);
  // weights ×10 and LayerNorm γ/β and biases away from 1/0 so that no path is negligible
  const params = initParams(cfg, layout, seed).map((x) => x * 10);
  for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) params[e.offset + i] += rng.normal() * 0.1;
  const B = 2;
  const T = 5;
  return { cfg, layout, params, B, T, tokens: randint(rng, B * T, cfg.vocabSize), targets: randint(rng, B * T, cfg.vocabSize) };
}

function expectNear(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, seed: number) {
  const c = compare(actual, expected, TOL);
  expect(c.maxError, `${what}: element ${c.worstIndex} is ${c.actual}, expected ${c.expected}; seed ${seed}`).toBeLessThanOrEqual(1);
}

const variants: [string, Partial<GPTConfig>][] = [
  ['pre-LN', {}],
  ['post-LN', { norm: 'post' }],
];

describe('reference inspector', () => {
  for (const [name, v] of variants) {
    it(`${name}: without interventions it is the reference model, and its captures add up`, async () => {
      const seed = testSeed();
      const { cfg, params, B, T, tokens, targets } = setup(v, seed);
      const model = new RefGPT(cfg, params);
      const { logits, loss } = model.forward(tokens, targets, B, T);
      const inspector = new RefInspector(cfg, () => params);
      for (const interventions of [undefined, noInterventions(cfg)]) {
        const run = await inspector.run(tokens, B, T, { targets, interventions, capture: { sites: true, residuals: true, mlp: true, probs: true } });
        expect(Array.from(run.logits)).toEqual(Array.from(Float32Array.from(logits)));
        const losses = run.losses ?? new Float32Array(0);
        expect(losses.length).toBe(B * T);
        expect(losses.reduce((s, x) => s + x, 0) / (B * T)).toBeCloseTo(loss, 5);
        const sites = run.sites ?? new Float32Array(0);
        const residuals = run.residuals ?? [];
        expect(residuals.length).toBe(cfg.nLayer + 1);
        expect(run.mlp?.length).toBe(cfg.nLayer);
        expect(run.mlp?.[0].length).toBe(B * T * 4 * cfg.nEmbd);
        expect(run.probs?.length).toBe(cfg.nLayer);
        expect(run.probs?.[0].length).toBe(B * cfg.nHead * T * T);
        if (cfg.norm === 'pre') {
          // pre-LN: each block adds its two sites to the stream
          const n = B * T * cfg.nEmbd;
          for (let l = 0; l < cfg.nLayer; l++) {
            const sum = residuals[l].map((x, i) => x + sites[(l * SITES + SITE_ATTN) * n + i] + sites[(l * SITES + SITE_MLP) * n + i]);
            expectNear(`residual ${l + 1}`, residuals[l + 1], sum, seed);
          }
        }
      }
      expect(() => inspector.runSync(tokens, B, T + 1)).toThrow(/tokens/);
    });

    it(`${name}: ablations are the model with the sublayer's output weights edited`, async () => {
      const seed = testSeed();
      const { cfg, layout, params, B, T, tokens, targets } = setup(v, seed);
      const inspector = new RefInspector(cfg, () => params);
      const edited = (l: number, part: 'attn' | 'mlp', bias: (c: number) => number, keepBias = false) => {
        const p = Float32Array.from(params);
        const w = layout.byName.get(`transformer.h.${l}.${part}.c_proj.weight`);
        const b = layout.byName.get(`transformer.h.${l}.${part}.c_proj.bias`);
        if (!w || !b) throw new Error('no c_proj');
        p.fill(0, w.offset, w.offset + w.size);
        if (!keepBias) for (let c = 0; c < b.size; c++) p[b.offset + c] = bias(c);
        return new RefInspector(cfg, () => p).runSync(tokens, B, T, { targets });
      };
      const ablate = (iv: ReturnType<typeof buildInterventions>) => inspector.runSync(tokens, B, T, { targets, interventions: iv });
      const C = cfg.nEmbd;
      for (let l = 0; l < cfg.nLayer; l++) {
        for (const part of ['attn', 'mlp'] as const) {
          const zero = ablate(buildInterventions(cfg, { ablations: [{ unit: { layer: l, part }, mode: 'zero' }] }));
          expectNear(`L${l} ${part} zero`, zero.logits, edited(l, part, () => 0).logits, seed);
          // a mean ablation puts a constant row in: c_proj's bias with a zero weight
          const means = new Float32Array(cfg.nLayer * SITES * C);
          const row = (l * SITES + (part === 'attn' ? SITE_ATTN : SITE_MLP)) * C;
          for (let c = 0; c < C; c++) means[row + c] = 0.3 * Math.sin(c + l);
          const mean = ablate(buildInterventions(cfg, { ablations: [{ unit: { layer: l, part }, mode: 'mean' }], means }));
          expectNear(`L${l} ${part} mean`, mean.logits, edited(l, part, (c) => means[row + c]).logits, seed);
          expectNear(`L${l} ${part} mean losses`, mean.losses ?? [], edited(l, part, (c) => means[row + c]).losses ?? [], seed);
        }
        // every head off: c_proj sees zeros, so only its bias is left
        const heads = Array.from({ length: cfg.nHead }, (_, h) => ({ unit: { layer: l, head: h }, mode: 'zero' as const }));
        expectNear(`L${l} all heads zero`, ablate(buildInterventions(cfg, { ablations: heads })).logits, edited(l, 'attn', () => 0, true).logits, seed);
      }
      // one head off changes the model, the other layers' heads being left as they were
      const one = ablate(buildInterventions(cfg, { ablations: [{ unit: { layer: 0, head: 1 }, mode: 'zero' }] }));
      expect(compare(one.logits, inspector.runSync(tokens, B, T).logits, TOL).maxError).toBeGreaterThan(1);
      // the reference's backward is the plain model's: it refuses a changed forward
      const model = new RefGPT(cfg, params);
      model.forward(tokens, targets, B, T, buildInterventions(cfg, { ablations: [{ unit: { layer: 0, head: 1 }, mode: 'zero' }] }));
      expect(() => model.backward()).toThrow(/interventions/);
      model.forward(tokens, targets, B, T, noInterventions(cfg));
      model.backward();
    });

    it(`${name}: patching a layer's heads from a source run gives that run's attention output`, () => {
      const seed = testSeed();
      const { cfg, params, B, T, tokens } = setup(v, seed);
      const inspector = new RefInspector(cfg, () => params);
      const rng = new Rng(seed + 1);
      const sourceTokens = randint(rng, T, cfg.vocabSize);
      const source = inspector.runSync(sourceTokens, 1, T, { capture: { sites: true } });
      const C = cfg.nEmbd;
      const n = T * C;
      const l = 1;
      const patches = Array.from({ length: cfg.nHead }, (_, h) => ({ layer: l, head: h }));
      const iv = buildInterventions(cfg, { patches, source: source.sites, sourceT: T });
      const patched = inspector.runSync(tokens, B, T, { interventions: iv, capture: { sites: true } });
      const sites = patched.sites ?? new Float32Array(0);
      const src = source.sites ?? new Float32Array(0);
      // c_proj of the source's heads, in every sequence of the batch
      for (let b = 0; b < B; b++) {
        for (const site of [SITE_HEADS, SITE_ATTN]) {
          const got = sites.subarray(((l * SITES + site) * B + b) * n, ((l * SITES + site) * B + b + 1) * n);
          expectNear(`b${b} site ${site}`, got, src.subarray((l * SITES + site) * n, (l * SITES + site + 1) * n), seed);
        }
      }
      expect(() => inspector.runSync(tokens.subarray(0, B * (T - 1)), B, T - 1, { interventions: iv })).toThrow(/positions/);
    });
  }
});
