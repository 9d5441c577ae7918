// The engine worker through its message protocol, as the app uses it: data, model, training
// steps, sampling, attention maps, and the specific errors for bad input.
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient, WorkerRequestError } from '../client/engine-client';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import type { Event, ModelChoice } from '../core/protocol';
import { paramLayout } from '../core/params';

const client = EngineClient.create();
const events: Event[] = [];
client.onEvent((e) => events.push(e));
afterAll(() => client.terminate());

const { vocabSize: _v, ...base } = DEFAULT_CONFIG;
const model: ModelChoice = { ...base, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16 };
const train: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 4, blockSize: 16, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 1000, evalEvery: 0 };
const text = 'abcabcabd '.repeat(60) + 'the end.';

async function rejection(p: Promise<unknown>): Promise<WorkerRequestError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkerRequestError);
  return e as WorkerRequestError;
}

describe('engine worker', () => {
  it('explains empty and one-character text', async () => {
    const empty = await rejection(client.request('setData', { text: '', tokenizer: { kind: 'char' } }));
    expect(empty.wire).toMatchObject({ name: 'InputError', code: 'text' });
    expect(empty.message).toMatch(/empty/);
    const one = await rejection(client.request('setData', { text: 'aaaaaaa', tokenizer: { kind: 'char' } }));
    expect(one.message).toMatch(/single distinct character/);
  });

  it('explains a corpus shorter than the block size', async () => {
    await client.request('setData', { text: 'hello world', tokenizer: { kind: 'char' } });
    const e = await rejection(client.request('createModel', { model, train, backend: 'gpu' }));
    expect(e.wire.code).toBe('text');
    expect(e.message).toMatch(/11 tokens long; with block size 16 it needs at least \d+/);
  });

  it('refuses a model too large for the device with the numbers and a suggestion', async () => {
    await client.request('setData', { text, tokenizer: { kind: 'char' } });
    const huge: ModelChoice = { ...model, nLayer: 8, nEmbd: 4096, nHead: 32 };
    const e = await rejection(client.request('createModel', { model: huge, train, backend: 'gpu' }));
    expect(e.wire.code).toBe('model');
    expect(e.message).toMatch(/GiB|MiB/);
    expect(e.message).toMatch(/smaller/);
  });

  it('trains, samples and maps attention', async () => {
    const data = await client.request('setData', { text, tokenizer: { kind: 'char' } });
    expect(data.vocabSize).toBe(10); // a b c d space t h e n .
    const created = await client.request('createModel', { model, train, backend: 'gpu' });
    expect(created.params).toBeGreaterThan(1000);
    events.length = 0;
    for (let i = 0; i < 3; i++) await client.request('train', { action: 'step' });
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => (e.type === 'step' ? e.report.step : 0))).toEqual([1, 2, 3]);
    const ev = await client.request('evaluate');
    expect(ev.val).toBeGreaterThan(0);
    const opts = { temperature: 1, topK: 0, topP: 1, greedy: false, maxTokens: 5, seed: 7 };
    const s1 = await client.request('sample', { prompt: 'abc', options: opts });
    const s2 = await client.request('sample', { prompt: 'abc', options: opts });
    expect(s1.tokens).toHaveLength(5);
    expect(s2.text).toBe(s1.text);
    const tokenEvents = events.filter((e) => e.type === 'sample-token');
    expect(tokenEvents).toHaveLength(10);
    const att = await client.request('attention', { prompt: 'abcab' });
    expect(att.tokens).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(att.probs).toHaveLength(1);
    expect(att.probs[0]).toHaveLength(2 * 5 * 5);
    expect(att.probs[0][1]).toBe(0); // query 0 cannot see key 1
  });

  it('pauses with a message when the loss becomes NaN, back at the weights of step 0', async () => {
    await client.request('createModel', { model, train: { ...train, lr: 1e30, minLr: 1e30, gradClip: 0 }, backend: 'gpu' });
    events.length = 0;
    await client.request('train', { action: 'start' });
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'state' && e.state === 'diverged') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const diverged = events.find((e) => e.type === 'state' && e.state === 'diverged');
    const message = diverged && diverged.type === 'state' ? diverged.message : '';
    expect(message).toMatch(/learning rate .* too high/);
    // A snapshot exists from step 0 (confirmed by the finite loss of step 1), so the run
    // goes back there and continues once the learning rate is lowered.
    expect(message).toMatch(/went back to its weights from step 0\b/);
    await client.request('updateTrain', { changes: { lr: 1e-3, minLr: 1e-3 } });
    expect((await client.request('train', { action: 'step' })).step).toBe(1);
  });

  it('pauses with a message naming the gradient norm when it overflows while the loss stays finite', async () => {
    await client.request('createModel', { model, train, backend: 'gpu' });
    const start = await client.request('getState');
    // A final LayerNorm weight of 1e30: logits ~1e29 (a finite loss), a tied-head gradient ~1e30 (an infinite norm).
    const lnf = paramLayout({ ...model, vocabSize: 10 }).entries.find((e) => e.name === 'transformer.ln_f.weight')!;
    start.params.fill(1e30, lnf.offset, lnf.offset + lnf.size);
    await client.request('createModel', { model, train, backend: 'gpu', init: start });
    events.length = 0;
    expect(await client.request('train', { action: 'step' })).toEqual({ step: 1, state: 'diverged' });
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.type === 'step' && Number.isFinite(e.report.loss))).toEqual([true]);
    const diverged = events.find((e) => e.type === 'state' && e.state === 'diverged');
    const message = diverged && diverged.type === 'state' ? diverged.message : '';
    // Its step-0 snapshot is not good: the norm of step 1 was computed from those very weights.
    expect(message).toMatch(/^The gradient norm became (Infinity|NaN) \(the loss was [^)]+\) at step 1, so training paused\. .*press Reset/);
  });

  it('CPU mode trains the same model without WebGPU', async () => {
    await client.request('createModel', { model, train, backend: 'cpu' });
    events.length = 0;
    await client.request('train', { action: 'step' });
    await client.request('train', { action: 'step' });
    const losses = events.flatMap((e) => (e.type === 'step' ? [e.report.loss] : []));
    expect(losses).toHaveLength(2);
    expect(losses[0]).toBeGreaterThan(1);
    const s = await client.request('sample', { prompt: 'ab', options: { temperature: 1, topK: 3, topP: 1, greedy: false, maxTokens: 3, seed: 1 } });
    expect(s.tokens).toHaveLength(3);
  });
});

// The page's Stop: a stopSample request read between two tokens of a long sample.
describe('stopping a sample', () => {
  const long = { temperature: 1, topK: 0, topP: 1, greedy: false, maxTokens: 2000, seed: 3 };
  const tokensOf = (sampleId: number) => events.flatMap((e) => (e.type === 'sample-token' && e.sampleId === sampleId ? [e.token] : []));

  async function untilTokens(sampleId: number, n: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (tokensOf(sampleId).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(tokensOf(sampleId).length).toBeGreaterThanOrEqual(n);
  }

  /** Starts a 2,000-token sample, stops it after `after` tokens; returns how it ended. */
  async function stopAfter(after: number) {
    events.length = 0;
    const { id, result } = client.send('sample', { prompt: 'abc', options: long });
    await untilTokens(id, after);
    const stopSent = performance.now();
    const stop = await client.request('stopSample', { sampleId: id });
    const sample = await result;
    return { id, stop, sample, stopMs: performance.now() - stopSent };
  }

  it('on the GPU: resolves at once with the tokens so far, and the model samples again', async () => {
    await client.request('setData', { text, tokenizer: { kind: 'char' } });
    await client.request('createModel', { model, train, backend: 'gpu' });
    await client.request('train', { action: 'step' });
    const { id, stop, sample, stopMs } = await stopAfter(3);
    expect(stop.running).toBe(true);
    expect(sample.stopped).toBe(true);
    expect(sample.tokens.length).toBeGreaterThanOrEqual(3);
    expect(sample.tokens.length).toBeLessThan(long.maxTokens);
    // What the page was streamed is what the result holds: no token after the stop.
    expect(sample.tokens).toEqual(tokensOf(id));
    // Within a token or two (tens of ms each on SwiftShader), not the rest of 2,000 tokens.
    expect(stopMs).toBeLessThan(5_000);

    // Stopping a finished sample is harmless; the next one runs to its end.
    expect((await client.request('stopSample', { sampleId: id })).running).toBe(false);
    const again = await client.request('sample', { prompt: 'abc', options: { ...long, maxTokens: 6 } });
    expect(again.tokens).toHaveLength(6);
    expect(again.stopped).toBe(false);
    // The same seed gives the same start: the stopped sample left no state behind.
    const k = Math.min(6, sample.tokens.length);
    expect(again.tokens.slice(0, k)).toEqual(sample.tokens.slice(0, k));
  });

  it('on the CPU engine, whose tokens never await, the stop is read between tokens too', async () => {
    await client.request('createModel', { model, train, backend: 'cpu' });
    const { sample, stopMs } = await stopAfter(1);
    expect(sample.stopped).toBe(true);
    expect(sample.tokens.length).toBeLessThan(long.maxTokens);
    expect(stopMs).toBeLessThan(5_000);
    expect((await client.request('sample', { prompt: 'abc', options: { ...long, maxTokens: 4 } })).tokens).toHaveLength(4);
  });

  it('refuses settings out of range instead of changing them', async () => {
    const bad = await rejection(client.request('sample', { prompt: 'abc', options: { ...long, maxTokens: 100_000 } }));
    expect(bad.wire).toMatchObject({ name: 'InputError', code: 'sample' });
    expect(bad.message).toMatch(/Max tokens must be a whole number from 1 to 2,000/);
    const cold = await rejection(client.request('sample', { prompt: 'abc', options: { ...long, temperature: -1 } }));
    expect(cold.message).toMatch(/Temperature must be 0 or more/);
  });
});

describe('profile request', () => {
  it('profiles a real training step and a sampled token', async () => {
    await client.request('setData', { text, tokenizer: { kind: 'char' } });
    await client.request('createModel', { model, train, backend: 'gpu' });
    const before = (await client.request('train', { action: 'step' })).step;
    const step = await client.request('profile', { what: 'step' });
    expect(step.dispatches).toBeGreaterThan(10);
    expect(step.kernels.some((k) => k.label === 'adamw_update')).toBe(true);
    const after = (await client.request('train', { action: 'step' })).step;
    expect(after).toBe(before + 2); // the profiled step was a real one
    const token = await client.request('profile', { what: 'token' });
    expect(token.kernels.some((k) => k.label === 'attention_decode')).toBe(true);
    const sample = await client.request('sample', { prompt: 'ab', options: { maxTokens: 3, temperature: 1, topK: 0, topP: 1, greedy: false, seed: 1 } });
    expect(sample.tokens.length).toBe(3);
  });
});

// Files and links are made where the weights are: the page sends and receives bytes only.
describe('files and links through the worker', () => {
  it('a checkpoint, int8 link weights and the ONNX export round-trip; the labels come with the data', async () => {
    const data = await client.request('setData', { text, tokenizer: { kind: 'char' } });
    expect(data.labels).toHaveLength(data.vocabSize);
    expect(data.labels).toContain('␣');
    await client.request('createModel', { model, train, backend: 'gpu' });
    await client.request('train', { action: 'step' });
    const { params, step } = await client.request('getParams');

    const demo = { any: 'json the app keeps', nested: [1, 2] };
    const file = await client.request('exportCheckpoint', { demo });
    expect(file.step).toBe(step);
    const back = await client.request('readCheckpoint', { bytes: file.bytes });
    expect(back.params).toEqual(params);
    expect(back.demo).toEqual(demo);
    expect(back.tokenizer).toEqual(data.tokenizer);
    expect(back.step).toBe(step);
    const broken = await rejection(client.request('readCheckpoint', { bytes: file.bytes.slice(0, 100) }));
    expect(broken.wire.name).toBe('InvalidCheckpointError');

    // A model started from the int8 weights gives logits close to the original's.
    const ids = [0, 1, 2, 3];
    const want = await client.request('logits', { ids });
    const q = await client.request('quantizedParams');
    expect(q.step).toBe(step);
    await client.request('createModel', { model, train, backend: 'gpu', init: { quantized: q.quantized, step: q.step } });
    const got = await client.request('logits', { ids });
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    expect(maxDiff).toBeGreaterThan(0); // quantised, not the same weights
    expect(maxDiff).toBeLessThan(0.05);
    expect((await client.request('train', { action: 'step' })).step).toBe(step + 1);

    const onnx = await client.request('exportOnnx');
    expect(onnx.bytes.length).toBeGreaterThan(params.length * 4);
    const check = await client.request('verifyOnnx', { provider: 'wasm', prompt: 'abca' });
    expect(check.tokens).toBe(4);
    expect(check.maxRelDiff).toBeLessThan(1e-4);
  });
});
