// The ablation table, site means and activation patching on the float64 reference.
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../core/config';
import { buildInterventions, SITES, type Unit } from '../../core/inspect';
import { Rng } from '../../core/rng';
import { RefGPT } from '../ref/model';
import { testSeed } from '../testing/seed';
import { ablationTable, allUnits, patch, siteMeans } from './analyses-ablation';
import { softmax } from './math';
import { RefInspector } from './ref-inspector';
import { randomTokens, TINY, tinyLabel, tinyParams } from './testing';
import { evenWindows, InspectInputError } from './windows';

/**
 * The second most likely token: the patch tests' target. Not saturated at p ≈ 1 in these sharp
 * random models, so that what a patch changes shows in its probability.
 */
const secondChoice = (x: ArrayLike<number>) => Array.from(x).indexOf([...Array.from(x)].sort((a, b) => b - a)[1]);

function setup(v: Partial<GPTConfig> = {}) {
  const seed = testSeed();
  const config = { ...TINY, ...v };
  const params = tinyParams(config, seed);
  return { config, params, engine: new RefInspector(config, () => params), rng: new Rng(seed + 1) };
}

describe('validation windows', () => {
  it('are evenly spaced from the start to the end, the same every time', () => {
    const data = Uint32Array.from({ length: 40 }, (_, i) => i);
    const w = evenWindows(data, 5, 4); // starts 0, 11.33→11, 22.67→23, 34
    expect(w.B).toBe(4);
    expect([0, 1, 2, 3].map((b) => w.inputs[b * 5])).toEqual([0, 11, 23, 34]);
    expect(Array.from(w.inputs.subarray(5, 10))).toEqual([11, 12, 13, 14, 15]);
    expect(Array.from(w.targets.subarray(15, 20))).toEqual([35, 36, 37, 38, 39]);
    expect(evenWindows(data, 38, 8).B).toBe(2); // only starts 0 and 1 hold 38 + 1 tokens
    expect(() => evenWindows(data, 40)).toThrow(RangeError);
  });
});

describe('site means', () => {
  it('are each site’s mean over every position, across batches', async () => {
    const { config, engine, rng } = setup();
    const { nLayer: L, nEmbd: C, blockSize: T } = config;
    const w = evenWindows(randomTokens(rng, 200, config.vocabSize), T, 11); // 11 windows: batches of 8 and 3
    const means = await siteMeans(engine, w);
    const all = (await engine.run(w.inputs, w.B, T, { capture: { sites: true } })).sites!;
    const rows = w.B * T;
    for (let ls = 0; ls < L * SITES; ls++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += all[(ls * rows + r) * C + c];
        expect(means[ls * C + c]).toBeCloseTo(s / rows, 5);
      }
    }
  });
});

describe('ablation table', () => {
  for (const mode of ['zero', 'mean'] as const) {
    it(`the validation loss with each unit off alone (${mode})`, async () => {
      const { config, params, engine, rng } = setup();
      const T = config.blockSize;
      const w = evenWindows(randomTokens(rng, 100, config.vocabSize), T);
      const r = await ablationTable(engine, w, mode);
      expect(r.sequences).toBe(8);
      expect(r.mode).toBe(mode);
      expect(r.baseLoss).toBeCloseTo(new RefGPT(config, params).forward(w.inputs, w.targets, w.B, T).loss, 5);
      expect(r.rows.map((x) => x.name)).toEqual(['L1 H1', 'L1 H2', 'L1 attention', 'L1 MLP', 'L2 H1', 'L2 H2', 'L2 attention', 'L2 MLP']);
      const means = mode === 'mean' ? await siteMeans(engine, w) : undefined;
      for (const [i, unit] of allUnits(config).entries()) {
        const iv = buildInterventions(config, { ablations: [{ unit, mode }], means });
        const run = await engine.run(w.inputs, w.B, T, { targets: w.targets, interventions: iv });
        const loss = run.losses!.reduce((s, x) => s + x, 0) / (w.B * T);
        expect(r.rows[i].unit).toEqual(unit);
        expect(r.rows[i].loss).toBeCloseTo(loss, 5);
        expect(r.rows[i].delta).toBeCloseTo(loss - r.baseLoss, 5);
        expect(Math.abs(r.rows[i].delta)).toBeGreaterThan(1e-4); // every unit matters in this model
      }
    });
  }

  it('mean ablation uses the means it is given', async () => {
    const { config, engine, rng } = setup();
    const w = evenWindows(randomTokens(rng, 100, config.vocabSize), config.blockSize);
    const own = await ablationTable(engine, w, 'mean');
    const zeros = await ablationTable(engine, w, 'mean', new Float32Array(config.nLayer * SITES * config.nEmbd));
    const zero = await ablationTable(engine, w, 'zero');
    expect(zeros.rows.map((x) => x.loss)).toEqual(zero.rows.map((x) => x.loss));
    expect(own.rows[0].loss).not.toBeCloseTo(zero.rows[0].loss, 4);
  });
});

describe('activation patching', () => {
  it('each unit’s patched run, the clean and corrupted probabilities', async () => {
    const { config, params, engine, rng } = setup();
    const { nLayer: L, nHead: NH, vocabSize: V } = config;
    const clean = randomTokens(rng, 5, V);
    const corrupt = clean.slice();
    corrupt[4] = (clean[4] + 3) % V; // the last token: the prediction depends on it most
    const lastProbs = (tokens: Uint32Array) => softmax(new RefGPT(config, params).forward(tokens, null, 1, 5).logits.subarray(4 * V));
    const target = secondChoice(lastProbs(clean));
    const r = await patch(engine, clean, corrupt, target, tinyLabel);
    const pLast = (tokens: Uint32Array) => lastProbs(tokens)[target];
    expect(r.cleanP / pLast(clean)).toBeCloseTo(1, 5);
    expect(r.corruptP / pLast(corrupt)).toBeCloseTo(1, 5);
    expect(r.target).toBe(tinyLabel(target));
    expect(r.tokens.corrupt[4]).toBe(tinyLabel(corrupt[4]));
    const source = (await engine.run(clean, 1, 5, { capture: { sites: true } })).sites!;
    const patched = async (unit: Unit) => {
      const run = await engine.run(corrupt, 1, 5, { interventions: buildInterventions(config, { patches: [unit], source, sourceT: 5 }) });
      return softmax(run.logits.subarray(4 * V))[target];
    };
    for (let layer = 0; layer < L; layer++) {
      for (let head = 0; head < NH; head++) expect(r.heads[layer * NH + head] / (await patched({ layer, head }))).toBeCloseTo(1, 5);
      expect(r.sublayers[layer].attn / (await patched({ layer, part: 'attn' }))).toBeCloseTo(1, 5);
      expect(r.sublayers[layer].mlp / (await patched({ layer, part: 'mlp' }))).toBeCloseTo(1, 5);
    }
    // The last MLP patched: the residual is the corrupted run's residual2 plus the clean MLP output.
    // The corruption matters, and some unit carries part of it.
    expect(Math.abs(Math.log(r.cleanP / r.corruptP))).toBeGreaterThan(1e-2);
    const moved = [...r.heads, ...r.sublayers.flatMap((x) => [x.attn, x.mlp])].map((p) => Math.abs(Math.log(p / r.corruptP)));
    expect(Math.max(...moved)).toBeGreaterThan(1e-2);
  });

  it('a one-head layer: patching the head is patching the attention', async () => {
    const { config, engine, rng } = setup({ nLayer: 1, nHead: 1 });
    const clean = randomTokens(rng, 4, config.vocabSize);
    const corrupt = randomTokens(rng, 4, config.vocabSize);
    const target = secondChoice((await engine.run(clean, 1, 4)).logits.subarray(3 * config.vocabSize));
    const r = await patch(engine, clean, corrupt, target, tinyLabel);
    // Equal but for the float32 rounding of the captured sources (atty vs c_proj of it).
    expect(r.heads[0] / r.sublayers[0].attn).toBeCloseTo(1, 4);
    expect(Math.abs(Math.log(r.heads[0] / r.corruptP))).toBeGreaterThan(1e-3);
  });

  it('the same prompt twice: every patch gives the clean probability', async () => {
    const { config, engine, rng } = setup({ norm: 'post' });
    const clean = randomTokens(rng, 6, config.vocabSize);
    const r = await patch(engine, clean, clean.slice(), 7, tinyLabel);
    expect(r.corruptP).toBeCloseTo(r.cleanP, 7);
    for (const p of r.heads) expect(p).toBeCloseTo(r.cleanP, 6);
    for (const s of r.sublayers) expect([s.attn, s.mlp].map((p) => p - r.cleanP).every((d) => Math.abs(d) < 1e-6)).toBe(true);
  });

  it('needs prompts of the same length', async () => {
    const { engine } = setup();
    const err = await patch(engine, new Uint32Array(5), new Uint32Array(7), 0, tinyLabel).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InspectInputError);
    expect((err as Error).message).toBe('The clean and corrupted prompts must have the same number of tokens (5 and 7).');
  });
});
