// The Inspect requests through the worker's message protocol on the GPU engine: a view on the
// GPU inspector agrees with the same view on the CPU engine's reference inspector, and units
// switched off change the samples' logits and the attention maps until a new model is made.
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient, WorkerRequestError } from '../client/engine-client';
import { DEFAULT_CONFIG } from '../core/config';
import type { LensReport, SurprisalReport } from '../core/inspect';
import { initParams, paramLayout } from '../core/params';
import type { Backend, Event, ModelChoice } from '../core/protocol';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';

const client = EngineClient.create();
const events: Event[] = [];
client.onEvent((e) => events.push(e));
afterAll(() => client.terminate());

const { vocabSize: _v, ...base } = DEFAULT_CONFIG;
const model: ModelChoice = { ...base, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8 };
const train: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, evalEvery: 0 };
const text = 'the cat sat on the mat; the dog ate the hat. '.repeat(8);
const greedy = { temperature: 1, topK: 0, topP: 1, greedy: true, maxTokens: 2, seed: 1 };

describe('inspect through the worker', () => {
  it('the GPU answers as the CPU does; ablations are live until a new model', async () => {
    const data = await client.request('setData', { text, tokenizer: { kind: 'char' } });
    const config = { ...model, vocabSize: data.vocabSize };
    // Weights ×5: heads and sublayers matter, so that switching one off shows.
    const params = initParams(config, paramLayout(config), 7).map((x) => x * 5);
    const create = (backend: Backend) => client.request('createModel', { model, train, backend, init: { params, step: 0 } });
    const firstLogits = async (prompt: string) => {
      events.length = 0;
      await client.request('sample', { prompt, options: greedy });
      const first = events.find((e) => e.type === 'sample-token');
      return Array.from(first?.type === 'sample-token' ? first.logits : []);
    };

    const ablations = [{ unit: { layer: 0, head: 1 }, mode: 'mean' as const }];
    await create('cpu');
    const cpu = (await client.request('inspect', { query: { kind: 'surprisal', text: null, maxTokens: 40 } })) as SurprisalReport;
    const cpuLens = (await client.request('inspect', { query: { kind: 'lens', prompt: 'the ca', position: -1 } })) as LensReport;
    await client.request('setAblations', { ablations });
    const cpuOffLogits = await firstLogits('the ca');
    await create('gpu');
    const gpu = (await client.request('inspect', { query: { kind: 'surprisal', text: null, maxTokens: 40 } })) as SurprisalReport;
    const gpuLens = (await client.request('inspect', { query: { kind: 'lens', prompt: 'the ca', position: -1 } })) as LensReport;
    expect(gpu.tokens.map((t) => t.label)).toEqual(cpu.tokens.map((t) => t.label));
    expect(Math.abs(gpu.meanNats - cpu.meanNats)).toBeLessThan(1e-5);
    gpu.tokens.forEach((t, i) => expect(Number.isNaN(t.bits) ? 0 : Math.abs(t.bits - cpu.tokens[i].bits)).toBeLessThan(1e-4));
    gpuLens.rows.forEach((r, i) => r.top.forEach((x, k) => expect(Math.abs(x.p - cpuLens.rows[i].top[k].p)).toBeLessThan(1e-4)));

    const plainLogits = await firstLogits('the ca');
    const plainAttention = await client.request('attention', { prompt: 'the ca' });
    expect(await client.request('setAblations', { ablations })).toEqual({ ablated: ['L1 H2'] });
    const offLogits = await firstLogits('the ca');
    const offAttention = await client.request('attention', { prompt: 'the ca' });
    const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));
    expect(diff(offLogits, plainLogits)).toBeGreaterThan(1e-3);
    expect(diff(offLogits, cpuOffLogits)).toBeLessThan(1e-4); // the same ablated model on either engine
    expect(diff(offAttention.probs[0], plainAttention.probs[0])).toBeLessThan(1e-5); // before the head's output is used
    expect(diff(offAttention.probs[1], plainAttention.probs[1])).toBeGreaterThan(1e-3);
    const off = (await client.request('inspect', { query: { kind: 'surprisal', text: null, maxTokens: 40 } })) as SurprisalReport;
    expect(off.ablated).toEqual(['L1 H2']);
    expect(off.meanNats).not.toBeCloseTo(gpu.meanNats, 4);

    const bad = await client.request('setAblations', { ablations: [{ unit: { layer: 0, head: 2 }, mode: 'zero' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WorkerRequestError);
    expect((bad as WorkerRequestError).wire).toMatchObject({ name: 'InputError', code: 'ablations' });

    // A new model starts with every unit on.
    await create('gpu');
    expect(await firstLogits('the ca')).toEqual(plainLogits);
    expect(((await client.request('inspect', { query: { kind: 'surprisal', text: null, maxTokens: 40 } })) as SurprisalReport).ablated).toEqual([]);
  });
});
