// The logit lens, the neuron views and the embeddings map on the float64 reference.
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../core/config';
import { paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { RefGPT } from '../ref/model';
import { testSeed } from '../testing/seed';
import { embeddings, positionEmbeddings } from './analyses-embeddings';
import { lens, neuron, neuronsAt } from './analyses-lens';
import { paramView, softmax } from './math';
import { RefInspector } from './ref-inspector';
import { randomTokens, TINY, tinyLabel, tinyParams } from './testing';
import { evenWindows, InspectInputError } from './windows';

function setup(v: Partial<GPTConfig> = {}) {
  const seed = testSeed();
  const config = { ...TINY, ...v };
  const params = tinyParams(config, seed);
  return { config, params, engine: new RefInspector(config, () => params), rng: new Rng(seed + 1) };
}

describe('logit lens', () => {
  for (const norm of ['pre', 'post'] as const) {
    it(`after the last layer it reads the model's own prediction (${norm}-LN)`, async () => {
      const { config, params, engine, rng } = setup({ norm });
      const { vocabSize: V, nLayer: L } = config;
      const prompt = randomTokens(rng, 9, V); // longer than the block: the last 6 are read
      const r = await lens(engine, prompt, 2, tinyLabel);
      const kept = prompt.slice(3);
      expect(r.tokens).toEqual(Array.from(kept, tinyLabel));
      expect(r.position).toBe(2);
      expect(r.rows.map((x) => x.name)).toEqual(['embeddings', 'after layer 1', 'after layer 2']);
      const p = softmax(new RefGPT(config, params).forward(kept, null, 1, 6).logits.subarray(2 * V, 3 * V));
      const top = Array.from(p.keys()).sort((a, b) => p[b] - p[a]).slice(0, 5);
      expect(r.rows[L].top.map((x) => x.label)).toEqual(top.map(tinyLabel));
      r.rows[L].top.forEach((x, i) => expect(x.p / p[top[i]]).toBeCloseTo(1, 5));
      // The earlier rows read something else.
      expect(r.rows[1].top.map((x) => x.p)).not.toEqual(r.rows[L].top.map((x) => x.p));
      expect((await lens(engine, prompt, -1, tinyLabel)).position).toBe(5);
    });
  }

  it('says when the position is outside the prompt', async () => {
    const { engine } = setup();
    await expect(lens(engine, Uint32Array.from([1, 2]), 2, tinyLabel)).rejects.toThrow(InspectInputError);
  });
});

describe('neurons', () => {
  it('the strongest neurons of each layer at a position', async () => {
    const { config, params, engine, rng } = setup({ activation: 'relu' });
    const H = 4 * config.nEmbd;
    const prompt = randomTokens(rng, 5, config.vocabSize);
    const r = await neuronsAt(engine, prompt, -1, tinyLabel);
    expect(r.position).toBe(4);
    const ref = new RefGPT(config, params);
    ref.forward(prompt, null, 1, 5);
    const acts = ref.activationInputs().map((x) => x.subarray(4 * H, 5 * H).map((v) => Math.max(v, 0))); // relu(fc(x))
    expect(r.layers).toHaveLength(config.nLayer);
    for (const { layer, top } of r.layers) {
      expect(top).toHaveLength(8);
      const sorted = Array.from(acts[layer]).sort((a, b) => b - a).slice(0, 8);
      top.forEach((x, i) => {
        expect(x.value).toBeCloseTo(sorted[i], 5);
        expect(x.value).toBeCloseTo(acts[layer][x.index], 5);
      });
    }
  });

  it('one neuron’s strongest positions in the validation windows, with their context', async () => {
    const { config, engine } = setup();
    const T = config.blockSize;
    const data = Uint32Array.from({ length: 120 }, (_, i) => (i * 7) % config.vocabSize);
    const w = evenWindows(data, T);
    const r = await neuron(engine, w, 1, 5, tinyLabel);
    const H = 4 * config.nEmbd;
    const acts = (await engine.run(w.inputs, w.B, T, { capture: { mlp: true } })).mlp![1];
    const values = Array.from({ length: w.B * T }, (_, i) => acts[i * H + 5]);
    const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]).slice(0, 10);
    expect(r.top.map((x) => x.value)).toEqual(order.map((i) => values[i]));
    order.forEach((at, i) => {
      const t = at % T;
      expect(r.top[i].token).toBe(tinyLabel(w.inputs[at]));
      // The window's tokens before it (up to 8; a window is only 6 long).
      expect(r.top[i].context).toBe(Array.from(w.inputs.slice(at - t, at), tinyLabel).join(''));
    });
    await expect(neuron(engine, w, 2, 0, tinyLabel)).rejects.toThrow('There is no layer 3');
    await expect(neuron(engine, w, 0, H, tinyLabel)).rejects.toThrow(InspectInputError);
  });
});

describe('embeddings', () => {
  for (const positions of ['learned', 'sinusoidal'] as const) {
    it(`the position embeddings are what the encoder adds (${positions})`, async () => {
      const { config, params, engine } = setup({ positions });
      const { blockSize: T, nEmbd: C } = config;
      // With token 0's embedding zeroed, the residual entering block 0 is the position code alone.
      const zeroed = params.slice();
      paramView(paramLayout(config), zeroed, 'transformer.wte.weight').fill(0, 0, C);
      const run = await new RefInspector(config, () => zeroed).run(new Uint32Array(T), 1, T, { capture: { residuals: true } });
      const pe = positionEmbeddings(config, params);
      for (let i = 0; i < T * C; i++) expect(pe[i]).toBeCloseTo(run.residuals![0][i], 6);
      expect(await engine.params()).toEqual(params);
    });
  }

  it('tokens and positions on the tokens’ principal axes; cosine neighbours', () => {
    const { config, params } = setup();
    const { vocabSize: V, nEmbd: C, blockSize: T } = config;
    const p = params.slice();
    const wte = paramView(paramLayout(config), p, 'transformer.wte.weight');
    for (let c = 0; c < C; c++) wte[3 * C + c] = -2 * wte[7 * C + c]; // token 3 points opposite token 7
    for (let c = 0; c < C; c++) wte[5 * C + c] = 3 * wte[9 * C + c]; // token 5 points along token 9
    const r = embeddings(config, p, tinyLabel);
    expect(r.tokens).toHaveLength(V);
    expect(r.positions).toHaveLength(T);
    expect(r.positions[2].label).toBe('2');
    expect(r.tokens[5].neighbours[0]).toEqual({ label: 't9', cos: expect.closeTo(1, 6) as number });
    expect(r.tokens[3].neighbours.some((n) => n.label === 't7')).toBe(false); // cosine −1 is the farthest
    expect(r.tokens[0].neighbours).toHaveLength(5);
    expect(r.tokens[0].neighbours.map((n) => n.label)).not.toContain('t0');
    // Centred coordinates; positions in the same projection: a position row equal to token
    // 2's row lands on token 2.
    expect(r.tokens.reduce((s, t) => s + t.x, 0) / V).toBeCloseTo(0, 6);
    expect(r.tokens.reduce((s, t) => s + t.y, 0) / V).toBeCloseTo(0, 6);
    paramView(paramLayout(config), p, 'transformer.wpe.weight').set(wte.subarray(2 * C, 3 * C), 4 * C);
    const again = embeddings(config, p, tinyLabel);
    expect(again.positions[4].x).toBeCloseTo(again.tokens[2].x, 5);
    expect(again.positions[4].y).toBeCloseTo(again.tokens[2].y, 5);
    expect(Math.hypot(again.tokens[2].x, again.tokens[2].y)).toBeGreaterThan(1e-3);
    expect(r.explained[0]).toBeGreaterThanOrEqual(r.explained[1]);
    expect(r.explained[0] + r.explained[1]).toBeLessThanOrEqual(1 + 1e-9);
    expect(embeddings(config, p, tinyLabel, 4).tokens).toHaveLength(4);
  });
});
