// Faults as they happen, through the worker's protocol as the app uses it: the worker's GPU
// device destroyed mid-run (a driver reset), and a training step the GPU refuses. Each must
// end paused at the run's last good step with a message saying what happened, with no
// rejection left unhandled, and Train must continue the same run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../client/engine-client';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import type { Event, ModelChoice } from '../core/protocol';

const client = EngineClient.create();
const events: Event[] = [];
client.onEvent((e) => events.push(e));
const pageErrors: string[] = [];
const onError = (e: ErrorEvent) => pageErrors.push(e.message);
const onRejection = (e: PromiseRejectionEvent) => pageErrors.push(String(e.reason));
beforeAll(() => {
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
});
afterAll(() => {
  window.removeEventListener('error', onError);
  window.removeEventListener('unhandledrejection', onRejection);
  client.terminate();
});

const { vocabSize: _v, ...base } = DEFAULT_CONFIG;
const model: ModelChoice = { ...base, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16 };
const train: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 4, blockSize: 16, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 1000, evalEvery: 0 };
const text = 'abcabcabd '.repeat(60) + 'the end.';

async function until(what: string, done: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const lossesByStep = (): Map<number, number> => new Map(events.flatMap((e) => (e.type === 'step' ? [[e.report.step, e.report.loss] as const] : [])));
const lastStep = (): number => Math.max(0, ...lossesByStep().keys());
const stateEvents = () => events.flatMap((e) => (e.type === 'state' ? [e] : []));
const unhandled = () => events.flatMap((e) => (e.type === 'unhandled-error' ? [e.error.message] : []));

describe('a lost GPU device', () => {
  it('is replaced, the run restored paused at its last good step, and Train continues it', async () => {
    await client.request('setData', { text, tokenizer: { kind: 'char' } });
    await client.request('createModel', { model, train, backend: 'gpu' });
    for (let i = 0; i < 6; i++) await client.request('train', { action: 'step' });
    // Read as the autosave reads it: the state of step 6 becomes the copy kept on the CPU.
    const saved = await client.request('getState');
    expect(saved.step).toBe(6);

    events.length = 0;
    await client.request('train', { action: 'start' });
    await until('step 12', () => lastStep() >= 12);
    expect((await client.request('debugDestroyDevice')).destroyed).toBe(true);
    await until('the device-restored event', () => events.some((e) => e.type === 'device-restored'));
    const before = lossesByStep();

    const lost = events.find((e) => e.type === 'device-lost');
    expect(lost).toMatchObject({ recovery: 'restoring', step: 6, error: { name: 'DeviceLostError', code: 'destroyed' } });
    expect(events.find((e) => e.type === 'device-restored')).toEqual({ type: 'device-restored', step: 6 });
    const last = stateEvents().at(-1)!;
    expect(last).toMatchObject({ state: 'paused', step: 6 });
    expect(last.message).toMatch(/^The GPU was reset; restored step 6\b/);
    // Said on the way, and nothing else (no raw "Failed to execute 'mapAsync'", no "Training stopped").
    expect(stateEvents().filter((e) => e.message).map((e) => e.message)).toEqual(['The GPU device was lost; the run is being restored from step 6 on a new device…', last.message]);

    // The model on the new device holds exactly the weights of step 6.
    const restored = await client.request('getParams');
    expect(restored.step).toBe(6);
    expect(restored.params).toEqual(saved.params);

    // Train continues that run: steps 7, 8, 9 with the batches and the losses it had before.
    events.length = 0;
    for (let i = 0; i < 3; i++) await client.request('train', { action: 'step' });
    const after = lossesByStep();
    expect([...after.keys()]).toEqual([7, 8, 9]);
    for (const s of [7, 8, 9]) {
      expect(before.has(s), `step ${s} was trained before the loss`).toBe(true);
      expect(Math.abs(after.get(s)! - before.get(s)!) / before.get(s)!, `loss of step ${s}`).toBeLessThan(1e-5);
    }
    // And the autosave reads the new device's state.
    expect((await client.request('getState')).step).toBe(9);
    expect(unhandled()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('a training step the GPU refuses', () => {
  it('stepped: pauses with the validation error and goes back to the last good weights', async () => {
    await client.request('createModel', { model, train, backend: 'gpu' });
    const initial = await client.request('getParams');
    for (let i = 0; i < 4; i++) await client.request('train', { action: 'step' });
    events.length = 0;
    expect(await client.request('debugBadDispatch')).toEqual({ step: 5 });
    const r = await client.request('train', { action: 'step' });
    // The only snapshot confirmed so far is that of step 0 (one is taken every 50 steps).
    expect(r).toEqual({ step: 0, state: 'paused' });
    const last = stateEvents().at(-1)!;
    expect(last).toMatchObject({ state: 'paused', step: 0 });
    expect(last.message).toMatch(/^A GPU validation error stopped training at step 5: .*pipeline/);
    expect(last.message).toMatch(/went back to its weights from step 0; press Train to continue/);
    expect(events.some((e) => e.type === 'step' && e.report.step === 5)).toBe(false); // a failed step reports no loss
    expect((await client.request('getParams')).params).toEqual(initial.params);
    // Training goes on from there.
    expect((await client.request('train', { action: 'step' })).step).toBe(1);
    expect(unhandled()).toEqual([]);
  });

  it('running: the loop pauses on it, with the message, at the last good step', async () => {
    await client.request('createModel', { model, train, backend: 'gpu' });
    const initial = await client.request('getParams');
    events.length = 0;
    await client.request('train', { action: 'start' });
    await until('step 3', () => lastStep() >= 3);
    const { step: bad } = await client.request('debugBadDispatch');
    await until('the run to pause', () => stateEvents().some((e) => e.state === 'paused'));
    const paused = stateEvents().find((e) => e.state === 'paused')!;
    expect(paused.message).toMatch(new RegExp(`^A GPU validation error stopped training at step ${bad}: `));
    expect(paused.step).toBe(0);
    expect(lastStep()).toBeLessThan(bad); // nothing from the failed step on was reported
    expect((await client.request('getParams')).params).toEqual(initial.params);
    await client.request('train', { action: 'start' });
    await until('step 3 again', () => events.filter((e) => e.type === 'step' && e.report.step === 3).length >= 2);
    await client.request('train', { action: 'pause' });
    expect(unhandled()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
