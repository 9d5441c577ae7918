// The Inspect requests of a session on the CPU engine: views, ablations kept and made live in
// samples and attention maps, the means cached per step, and the errors a user can act on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { buildInterventions, type Ablation, type SurprisalReport } from '../core/inspect';
import type { Event, ModelChoice, SampleResult } from '../core/protocol';
import { initParams, paramLayout } from '../core/params';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import { RefInspector } from '../engine/inspect/ref-inspector';
import { splitTokens } from '../engine/train/data';
import { tokenizerFromJSON } from '../engine/tokenize';
import { testSeed } from '../engine/testing/seed';
import { InputError } from './errors';
import { Session } from './session';

const { vocabSize: _v, ...base } = DEFAULT_CONFIG;
const model: ModelChoice = { ...base, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 8 };
const train: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, evalEvery: 0 };
const text = 'the cat sat on the mat; the dog ate the hat. '.repeat(8);
const greedy = { temperature: 1, topK: 0, topP: 1, greedy: true, maxTokens: 3, seed: 1 };

async function session() {
  const events: Event[] = [];
  const s = new Session(() => Promise.reject(new Error('no GPU in this test')), (e) => events.push(e));
  const data = await s.setData(text, { kind: 'char' });
  const config = { ...model, vocabSize: data.vocabSize };
  // Sharp weights: every unit matters, so that switching one off shows.
  const params = initParams(config, paramLayout(config), testSeed()).map((x) => x * 15);
  await s.createModel(model, train, 'cpu', { params, step: 0 });
  const firstLogits = async (prompt: string) => {
    events.length = 0;
    await s.sample(1, prompt, greedy);
    const first = events.find((e) => e.type === 'sample-token');
    return first?.type === 'sample-token' ? first.logits : new Float32Array(0);
  };
  return { s, config, params, firstLogits, tokenizer: tokenizerFromJSON(data.tokenizer) };
}

async function inputError(p: Promise<unknown> | (() => unknown)): Promise<InputError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

afterEach(() => vi.restoreAllMocks());

describe('inspect session', () => {
  it('answers the views on the current model; the surprisal reads the validation split', async () => {
    const { s, config, params, tokenizer } = await session();
    const r = (await s.inspect.query({ kind: 'surprisal', text: null, maxTokens: 50 })) as SurprisalReport;
    const val = splitTokens(tokenizer.encode(text), train.blockSize).val;
    expect(r.source).toBe('validation');
    expect(r.tokens.map((t) => t.label)).toEqual(Array.from(val.subarray(0, 50), (id) => tokenizer.tokenLabel(id)));
    // The first window, measured directly.
    const run = new RefInspector(config, () => params).runSync(val.slice(0, 8), 1, 8, { targets: val.slice(1, 9) });
    const own = await s.inspect.query({ kind: 'surprisal', text: tokenizer.decode(val.subarray(0, 9)) });
    expect((own as SurprisalReport).meanNats).toBeCloseTo(run.losses!.reduce((a, x) => a + x, 0) / 8, 5);
    for (const kind of ['lens', 'neuronsAt'] as const) expect(await s.inspect.query({ kind, prompt: 'the cat', position: -1 })).toMatchObject({ position: 6 });
    expect(await s.inspect.query({ kind: 'ablationTable', mode: 'mean' })).toMatchObject({ sequences: 8, mode: 'mean' });
    expect(await s.inspect.query({ kind: 'embeddings' })).toMatchObject({ tokens: expect.any(Array) as unknown });
    expect(await s.inspect.query({ kind: 'neuron', layer: 1, index: 3 })).toMatchObject({ layer: 1, index: 3 });
    expect(await s.inspect.query({ kind: 'patch', clean: 'the cat', corrupt: 'the dog', target: 's' })).toMatchObject({ target: 's' });
    expect(await s.inspect.query({ kind: 'position', text: 'the cat', index: 3 })).toMatchObject({ context: ['t', 'h', 'e', '␣'] });
  });

  it('says what to fix, next to which input', async () => {
    const { s } = await session();
    const patch = await inputError(s.inspect.query({ kind: 'patch', clean: 'the cat', corrupt: 'a cat', target: 's' }));
    expect([patch.field, patch.message]).toEqual(['inputs', 'The clean and corrupted prompts must have the same number of tokens (7 and 5).']);
    expect((await inputError(s.inspect.query({ kind: 'patch', clean: 'ab', corrupt: 'cd', target: 'at' }))).field).toBe('target');
    expect((await inputError(s.inspect.query({ kind: 'patch', clean: 'ab', corrupt: 'QQ', target: 'a' }))).field).toBe('corrupt');
    expect((await inputError(s.inspect.query({ kind: 'lens', prompt: 'the', position: 3 }))).field).toBe('position');
    expect((await inputError(s.inspect.query({ kind: 'neuron', layer: 0, index: 32 }))).field).toBe('neuron');
    expect((await inputError(s.inspect.query({ kind: 'surprisal', text: 'QZ' }))).field).toBe('text');
    expect((await inputError(s.inspect.query({ kind: 'surprisal', text: null, maxTokens: 0 }))).field).toBe('text');
    const bad = await inputError(() => s.inspect.setAblations([{ unit: { layer: 2, head: 0 }, mode: 'zero' }]));
    expect([bad.field, bad.message]).toEqual(['ablations', 'A unit cannot be switched off: there is no layer 3 (the model has 2).']);
    await inputError(() => s.inspect.setAblations([{ unit: { layer: 0, part: 'ffn' }, mode: 'zero' } as unknown as Ablation]));
    await inputError(() => s.inspect.setAblations([{ unit: { layer: 0, head: 0 }, mode: 'half' } as unknown as Ablation]));
    // The same unit twice: one unit, the later mode.
    expect(s.inspect.setAblations([{ unit: { layer: 0, head: 1 }, mode: 'zero' }, { unit: { layer: 0, head: 1 }, mode: 'mean' }])).toEqual({ ablated: ['L1 H2'] });
    const none = new Session(() => Promise.reject(new Error('no GPU')), () => undefined);
    expect((await inputError(none.inspect.query({ kind: 'embeddings' }))).field).toBe('model');
  });

  it('ablations change samples, attention maps and the surprisal, until switched back on', async () => {
    const { s, config, params, firstLogits, tokenizer } = await session();
    const plainLogits = await firstLogits('the c');
    const plainAttention = await s.attention('the c');
    const plainSample = await s.sample(2, 'the c', greedy);
    const ablations: Ablation[] = [{ unit: { layer: 0, head: 1 }, mode: 'zero' }, { unit: { layer: 1, part: 'attn' }, mode: 'zero' }];
    expect(await s.inspect.setAblations(ablations)).toEqual({ ablated: ['L1 H2', 'L2 attention'] });
    // The first sampled token's logits: the ablated model's after the prompt.
    const ids = tokenizer.encode('the c');
    const ref = new RefInspector(config, () => params).runSync(ids, 1, ids.length, { interventions: buildInterventions(config, { ablations }) });
    const V = config.vocabSize;
    const offLogits = await firstLogits('the c');
    expect(Array.from(offLogits)).toEqual(Array.from(ref.logits.subarray((ids.length - 1) * V)));
    expect(Array.from(offLogits)).not.toEqual(Array.from(plainLogits));
    // Layer 2's attention reads layer 1's output, which lost a head. (The plain maps come from
    // the float32 CPU engine, the ablated ones from the float64 reference: equal to ~1e-5.)
    const offAttention = await s.attention('the c');
    const diff = (l: number) => Math.max(...offAttention.probs[l].map((p, i) => Math.abs(p - plainAttention.probs[l][i])));
    expect(diff(0)).toBeLessThan(1e-4);
    expect(diff(1)).toBeGreaterThan(1e-2);
    const off = (await s.inspect.query({ kind: 'surprisal', text: 'the cat sat' })) as SurprisalReport;
    expect(off.ablated).toEqual(['L1 H2', 'L2 attention']);
    await s.inspect.setAblations([]);
    expect(Array.from(await firstLogits('the c'))).toEqual(Array.from(plainLogits));
    const back: SampleResult = await s.sample(3, 'the c', greedy);
    expect(back.text).toBe(plainSample.text);
    expect(((await s.inspect.query({ kind: 'surprisal', text: 'the cat sat' })) as SurprisalReport).ablated).toEqual([]);
  });

  it('mean ablation measures the means once per step; a new model switches every unit on', async () => {
    const { s, params, firstLogits } = await session();
    const plain = await firstLogits('the');
    const runs = vi.spyOn(RefInspector.prototype, 'runSync');
    await s.inspect.setAblations([{ unit: { layer: 0, part: 'mlp' }, mode: 'mean' }]);
    await s.attention('the');
    const first = runs.mock.calls.length;
    expect(runs.mock.calls.some((c) => c[3]?.capture?.sites)).toBe(true); // the means' run
    await s.attention('the');
    expect(runs.mock.calls.length).toBe(first + 1); // the means were kept
    await s.train('step');
    runs.mockClear();
    await s.attention('the');
    expect(runs.mock.calls.filter((c) => c[3]?.capture?.sites)).toHaveLength(1); // measured again
    await s.createModel(model, train, 'cpu', { params, step: 0 });
    expect(Array.from(await firstLogits('the'))).toEqual(Array.from(plain));
    runs.mockClear();
    await s.attention('the');
    expect(runs).not.toHaveBeenCalled(); // every unit on: the plain path
  });
});
