// The surprisal and the position view on the float64 reference, against the plain reference
// model and the engine's own per-token losses.
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../core/config';
import { buildInterventions } from '../../core/inspect';
import { Rng } from '../../core/rng';
import { RefGPT } from '../ref/model';
import { testSeed } from '../testing/seed';
import { position, surprisal } from './analyses-text';
import { softmax } from './math';
import { RefInspector } from './ref-inspector';
import { randomTokens, TINY, tinyLabel, tinyParams } from './testing';
import { batchFor, InspectInputError } from './windows';

function setup(v: Partial<GPTConfig> = {}) {
  const seed = testSeed();
  const config = { ...TINY, ...v };
  const params = tinyParams(config, seed);
  return { config, params, engine: new RefInspector(config, () => params), rng: new Rng(seed + 1) };
}

describe('surprisal', () => {
  it('cuts the text into windows of blockSize + 1; each window’s first token is not predicted', async () => {
    const { config, engine, rng } = setup();
    const tokens = randomTokens(rng, 20, config.vocabSize); // windows at 0, 7, 14 (the last 6 long)
    const r = await surprisal(engine, tokens, tinyLabel, { source: 'text' });
    expect(r.window).toBe(7);
    expect(r.tokens.map((t) => t.label)).toEqual(Array.from(tokens, tinyLabel));
    const unpredicted = r.tokens.flatMap((t, i) => (Number.isNaN(t.bits) ? [i] : []));
    expect(unpredicted).toEqual([0, 7, 14]);
    expect(r.tokens[7].rank).toBe(0);
    expect(r.tokens[7].top).toEqual([]);
    expect(r.source).toBe('text');
    expect(r.ablated).toEqual([]);
  });

  it('its mean is the mean of the engine’s losses, and the reference loss for one full window', async () => {
    const { config, params, engine, rng } = setup();
    const W = config.blockSize + 1;
    const tokens = randomTokens(rng, 3 * W - 2, config.vocabSize);
    const r = await surprisal(engine, tokens, tinyLabel, { source: 'validation' });
    // The engine's own per-token cross-entropy over the same windows.
    let sum = 0;
    let n = 0;
    for (let s = 0; s < tokens.length; s += W) {
      const T = Math.min(W, tokens.length - s) - 1;
      const run = await engine.run(tokens.slice(s, s + T), 1, T, { targets: tokens.slice(s + 1, s + T + 1) });
      for (const x of run.losses!) (sum += x), n++;
    }
    expect(n).toBe(tokens.length - 3);
    expect(r.meanNats).toBeCloseTo(sum / n, 5);
    expect(r.meanBits).toBeCloseTo(sum / n / Math.LN2, 5);

    const one = tokens.slice(0, W);
    const single = await surprisal(engine, one, tinyLabel, { source: 'text' });
    const ref = new RefGPT(config, params).forward(one.slice(0, W - 1), one.slice(1), 1, W - 1);
    expect(single.meanNats).toBeCloseTo(ref.loss, 5);
    // Every token's bits, rank and top choice from the reference's logits.
    const V = config.vocabSize;
    for (let t = 1; t < W; t++) {
      const p = softmax(ref.logits.subarray((t - 1) * V, t * V));
      const tok = single.tokens[t];
      expect(tok.bits).toBeCloseTo(-Math.log2(p[one[t]]), 5);
      expect(tok.rank).toBe(1 + Array.from(p).filter((q) => q > p[one[t]]).length);
      const best = p.indexOf(Math.max(...p));
      expect(tok.top[0].label).toBe(tinyLabel(best));
      expect(tok.top[0].p).toBeCloseTo(p[best], 6);
      expect(tok.top).toHaveLength(5);
    }
  });

  it('with ablations on, it is measured on the ablated model and says so', async () => {
    const { config, engine, rng } = setup();
    const tokens = randomTokens(rng, config.blockSize + 1, config.vocabSize);
    const ablations = [{ unit: { layer: 1, head: 0 }, mode: 'zero' as const }, { unit: { layer: 0, part: 'mlp' as const }, mode: 'zero' as const }];
    const plain = await surprisal(engine, tokens, tinyLabel, { source: 'text' });
    const off = await surprisal(engine, tokens, tinyLabel, { source: 'text', ablation: { ablations } });
    expect(off.ablated).toEqual(['L2 H1', 'L1 MLP']);
    const T = config.blockSize;
    const run = await engine.run(tokens.slice(0, T), 1, T, { targets: tokens.slice(1), interventions: buildInterventions(config, { ablations }) });
    const mean = run.losses!.reduce((s, x) => s + x, 0) / T;
    expect(off.meanNats).toBeCloseTo(mean, 5);
    expect(Math.abs(off.meanNats - plain.meanNats)).toBeGreaterThan(1e-3);
  });

  it('batches windows within the logits budget', async () => {
    expect(batchFor(64, 65)).toBe(8);
    expect(batchFor(256, 50_000)).toBe(1);
    expect(batchFor(64, 16_384)).toBe(4);
    // Many windows (more than one batch) give the same numbers as one window at a time.
    const { config, engine, rng } = setup();
    const W = config.blockSize + 1;
    const tokens = randomTokens(rng, 10 * W, config.vocabSize);
    const all = await surprisal(engine, tokens, tinyLabel, { source: 'text' });
    for (const k of [0, 8, 9]) {
      const one = await surprisal(engine, tokens.slice(k * W, (k + 1) * W), tinyLabel, { source: 'text' });
      expect(all.tokens.slice(k * W, (k + 1) * W)).toEqual(one.tokens);
    }
  });
});

describe('position', () => {
  for (const causal of [true, false]) {
    it(`a token’s context, attention rows and next-token distribution (causal ${causal})`, async () => {
      const { config, params, engine, rng } = setup({ causal });
      const { blockSize: T, nLayer: L, nHead: NH, vocabSize: V } = config;
      const tokens = randomTokens(rng, 3 * (T + 1), V);
      // Token 10 is the 4th of the second window (7..13): its context is tokens 7..10.
      const r = await position(engine, tokens, 10, tinyLabel);
      expect(r.context).toEqual(Array.from(tokens.slice(7, 11), tinyLabel));
      const ref = new RefGPT(config, params);
      const { logits } = ref.forward(tokens.slice(7, 11), null, 1, 4);
      const probs = ref.attentionProbs();
      expect(r.attention).toHaveLength(L * NH * 4);
      for (let l = 0; l < L; l++) {
        for (let h = 0; h < NH; h++) {
          for (let j = 0; j < 4; j++) expect(r.attention[(l * NH + h) * 4 + j]).toBeCloseTo(probs[l][(h * 4 + 3) * 4 + j], 6);
        }
      }
      const p = softmax(logits.subarray(3 * V, 4 * V));
      for (let v = 0; v < V; v++) expect(r.probs[v]).toBeCloseTo(p[v], 6);
      expect(r.probs.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      expect([r.nLayer, r.nHead, r.index]).toEqual([L, NH, 10]);
      // A window's last token (13) sees the blockSize tokens up to it.
      const last = await position(engine, tokens, 13, tinyLabel);
      expect(last.context).toEqual(Array.from(tokens.slice(13 - T + 1, 14), tinyLabel));
      // A window's first token sees only itself.
      expect((await position(engine, tokens, 14, tinyLabel)).context).toEqual([tinyLabel(tokens[14])]);
    });
  }

  it('says when the index is outside the text', async () => {
    const { engine, rng } = setup();
    const tokens = randomTokens(rng, 5, 11);
    await expect(position(engine, tokens, 5, tinyLabel)).rejects.toThrow(InspectInputError);
    await expect(position(engine, tokens, -1, tinyLabel)).rejects.toThrow('outside the text');
  });
});
