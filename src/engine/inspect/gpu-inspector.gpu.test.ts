// The GPU inspector against the float64 reference inspector on the same weights, for every
// architecture variant: logits, losses and every capture, plain, ablated (zero and mean) and
// patched from a source run.
import { describe, expect, it } from 'vitest';
import { inspectorPlanBytes, INSPECTOR_KEPT_PLANS } from '../../core/allocations';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { buildInterventions, SITES, type Interventions } from '../../core/inspect';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { ModelWeights } from '../model/weights';
import { expectClose } from '../testing/compare';
import { getTestGpu } from '../testing/gpu';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { defaultKernelConfig } from '../tune/defaults';
import type { InspectOptions, InspectRun } from './engine';
import { GpuInspector } from './gpu-inspector';
import { RefInspector } from './ref-inspector';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 3, nEmbd: 24, blockSize: 8, vocabSize: 11 };
const B = 2;
const T = 7;

// float32 through ~20 kernels against float64 (as gpt.gpu.test.ts): the per-token losses agree
// to ~1e-6 relative. Activations are compared relative to their tensor's largest value, since
// a rounding error in a sum is relative to the sum's terms, not to a small result: float32's
// roundings (u = 6e-8) over two blocks of 24- and 96-term sums, LayerNorms and softmaxes stay
// within a few 1e-6 of that scale (2.5e-6 the most measured here), and 2e-5 leaves room. A
// sublayer's contribution is a difference taken in float32 (residual2 − x): its error is
// relative to the residual stream, which sets its scale. A wrong head, position or site is off
// by the size of the values themselves.
const LOSS_TOL = { atol: 1e-5, rtol: 1e-5 };
const ACT_RTOL = 2e-5;

const VARIANTS: [string, Partial<GPTConfig>][] = [
  ['pre-LN, GELU, learned positions, causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no causal mask', { causal: false }],
];

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

function params(cfg: GPTConfig, seed: number): Float32Array {
  const layout = paramLayout(cfg);
  const rng = new Rng(seed ^ 0x5eed);
  // Larger weights than the init so attention is far from uniform; LayerNorm γ/β and the
  // biases away from 1/0 so that every term of the forward is exercised.
  const p = initParams(cfg, layout, seed).map((x) => x * 5);
  for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) p[e.offset + i] += rng.normal() * 0.1;
  return p;
}

/** Both engines' results agree: logits, losses, and whatever was captured. */
function expectSame(what: string, got: InspectRun, want: InspectRun, seed: number): void {
  const act = (name: string, g: ArrayLike<number>, w: ArrayLike<number>, scale = maxAbs(w)) => {
    expect(scale, `${what}: ${name} is not all zero`).toBeGreaterThan(0);
    expectClose(`${what}: ${name}`, g, w, { atol: ACT_RTOL * scale, rtol: ACT_RTOL }, seed);
  };
  act('logits', got.logits, want.logits);
  if (want.losses) expectClose(`${what}: losses`, got.losses ?? [], want.losses, LOSS_TOL, seed);
  else expect(got.losses).toBeNull();
  const stream = Math.max(...(want.residuals ?? []).map(maxAbs));
  expect(got.residuals?.length).toBe(want.residuals?.length);
  want.residuals?.forEach((r, l) => act(`residual ${l}`, got.residuals?.[l] ?? [], r));
  want.mlp?.forEach((m, l) => act(`mlp ${l}`, got.mlp?.[l] ?? [], m));
  want.probs?.forEach((p, l) => act(`probs ${l}`, got.probs?.[l] ?? [], p));
  if (want.sites) {
    const n = want.sites.length / (tiny.nLayer * SITES);
    for (let k = 0; k < tiny.nLayer * SITES; k++) {
      const w = want.sites.subarray(k * n, (k + 1) * n);
      // an ablated site may be all zero
      const scale = Math.max(maxAbs(w), k % SITES === 0 ? 0 : stream);
      if (scale > 0) act(`site ${k} (layer ${Math.floor(k / SITES)})`, got.sites?.subarray(k * n, (k + 1) * n) ?? [], w, scale);
      else expect(maxAbs(got.sites?.subarray(k * n, (k + 1) * n) ?? [1]), `${what}: site ${k}`).toBe(0);
    }
  }
}

describe('GPU inspector matches the reference inspector', () => {
  for (const [name, v] of VARIANTS) {
    it(`${name}: plain, zero- and mean-ablated, patched`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const cfg = { ...tiny, ...v };
      const p = params(cfg, seed);
      const weights = new ModelWeights(gpu, cfg);
      weights.write('params', p);
      const inspector = new GpuInspector(gpu, defaultKernelConfig(gpu), weights);
      const reference = new RefInspector(cfg, () => p);
      try {
        const rng = new Rng(seed);
        const tokens = randint(rng, B * T, cfg.vocabSize);
        const targets = randint(rng, B * T, cfg.vocabSize);
        const capture = { sites: true, residuals: true, mlp: true, probs: true };
        const both = async (what: string, interventions?: Interventions, opts: InspectOptions = { targets, capture }) => {
          const want = reference.runSync(tokens, B, T, { ...opts, interventions });
          const got = await inspector.run(tokens, B, T, { ...opts, interventions });
          expectSame(`${name}, ${what}`, got, want, seed);
          return { got, want };
        };

        const plain = await both('no interventions');
        await both('no interventions, logits only', undefined, {});

        const zero = await both('zero: L2 H3 and the L1 MLP', buildInterventions(cfg, {
          ablations: [{ unit: { layer: 1, head: 2 }, mode: 'zero' }, { unit: { layer: 0, part: 'mlp' }, mode: 'zero' }],
        }));
        expect(zero.want.logits).not.toEqual(plain.want.logits);

        // means of every site over the plain run's positions
        const sites = plain.want.sites ?? new Float32Array(0);
        const C = cfg.nEmbd;
        const means = new Float32Array(cfg.nLayer * SITES * C);
        for (let k = 0; k < cfg.nLayer * SITES; k++) {
          for (let i = 0; i < B * T * C; i++) means[k * C + (i % C)] += sites[k * B * T * C + i] / (B * T);
        }
        await both('mean: L1 H1, the L2 attention and the L2 MLP', buildInterventions(cfg, {
          ablations: [
            { unit: { layer: 0, head: 0 }, mode: 'mean' },
            { unit: { layer: 1, part: 'attn' }, mode: 'mean' },
            { unit: { layer: 1, part: 'mlp' }, mode: 'mean' },
          ],
          means,
        }));

        // a source run of one sequence, patched into every sequence of the batch
        const sourceTokens = randint(rng, T, cfg.vocabSize);
        const source = await inspector.run(sourceTokens, 1, T, { capture: { sites: true } });
        const patch = buildInterventions(cfg, {
          patches: [{ layer: 0, head: 1 }, { layer: 1, part: 'attn' }],
          source: source.sites,
          sourceT: T,
        });
        const patched = await both('patch: L1 H2 and the L2 attention', patch);
        expect(patched.want.logits).not.toEqual(plain.want.logits);
        await expect(inspector.run(tokens.subarray(0, B * (T - 1)), B, T - 1, { interventions: patch })).rejects.toThrow(/positions/);
        // the plan is left as a plain forward when no interventions are given
        await both('no interventions after others', undefined);
      } finally {
        inspector.destroy();
        weights.destroy();
      }
    });
  }

  it('keeps at most its number of plans, within their estimate, and frees them all', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const cfg = tiny;
    const weights = new ModelWeights(gpu, cfg);
    weights.write('params', params(cfg, seed));
    const inspector = new GpuInspector(gpu, defaultKernelConfig(gpu), weights);
    try {
      const rng = new Rng(seed);
      const shapes: [number, number, boolean][] = [[1, 3, false], [2, 5, true], [3, 4, false]];
      for (const [b, t, probs] of shapes) await inspector.run(randint(rng, b * t, cfg.vocabSize), b, t, { capture: { probs } });
      expect(INSPECTOR_KEPT_PLANS).toBe(2);
      const kept = shapes.slice(-INSPECTOR_KEPT_PLANS).map(([b, t, probs]) => inspectorPlanBytes(cfg, b, t, probs));
      const scope = inspector.gpu.buffers;
      // the two most recent plans, each within its estimate; the first one was dropped
      const plans = new Set(scope.ledger.entries(scope.owner).map((e) => /\/(B\d+ T\d+)#/.exec(e.owner)?.[1]));
      expect([...plans].sort()).toEqual(['B2 T5', 'B3 T4']);
      expect(scope.liveBytes).toBeGreaterThan(Math.max(...kept));
      expect(scope.liveBytes).toBeLessThanOrEqual(kept[0] + kept[1]);
      expect((await inspector.params()).length).toBe(paramLayout(cfg).totalElems);
    } finally {
      inspector.destroy();
      weights.destroy();
    }
    expect(inspector.gpu.buffers.liveBytes).toBe(0);
  });
});
