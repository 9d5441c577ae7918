// The live views driven from a store on a fake clock: the attention of a model drawn as soon as
// it is built, redraws every ~2 s while training and never two at once, one more when training
// stops, none while a lost device is replaced and both once it is back, none when turned off.
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelReport } from '../core/protocol';
import { startLiveViews, type LiveHost, type LiveTimer } from './live-views';

interface Call {
  view: 'sample' | 'attention';
  at: number;
}

/** A store with the fields the live views read, actions that take `took` ms of fake time, and a fake clock. */
function harness(took = { sample: 300, attention: 50 }) {
  let now = 0;
  const tickers: { ms: number; f: () => void; next: number }[] = [];
  const running: { view: Call['view']; endAt: number; finish: () => void }[] = [];
  const calls: Call[] = [];
  /** Requests started for a view while another of the same view was still running. */
  let stacked = 0;
  const model = { params: 1 } as ModelReport;

  const store = createStore<LiveHost>()((set, get) => {
    const action = (view: 'sample' | 'attention') => () =>
      new Promise<void>((resolve) => {
        calls.push({ view, at: now });
        const busy = view === 'sample' ? 'sampleBusy' : 'attentionBusy';
        set({ [busy]: true } as Partial<LiveHost>);
        if (running.some((r) => r.view === view)) stacked++;
        running.push({
          view,
          endAt: now + took[view],
          finish: () => {
            set({ [busy]: false, ...(view === 'attention' ? { attentionModel: get().modelReport } : {}) } as Partial<LiveHost>);
            resolve();
          },
        });
      });
    return {
      trainState: 'idle',
      liveViews: true,
      liveRedraws: { sample: 0, attention: 0 },
      modelReport: null,
      modelBusy: false,
      gpu: { state: 'probing' },
      sampleBusy: false,
      attentionBusy: false,
      attentionModel: null,
      sampleTokens: [],
      runSample: action('sample'),
      refreshAttention: action('attention'),
    };
  });

  const timer: LiveTimer = {
    now: () => now,
    every: (ms, f) => {
      const t = { ms, f, next: now + ms };
      tickers.push(t);
      return () => tickers.splice(tickers.indexOf(t), 1);
    },
  };

  const settle = () => new Promise<void>((r) => setImmediate(r));

  /** Moves the fake clock on by `ms`, 10 ms at a time, ending redraws and firing timers as they fall due. */
  async function advance(ms: number) {
    const end = now + ms;
    while (now < end) {
      now += 10;
      for (const r of running.filter((x) => x.endAt <= now)) {
        running.splice(running.indexOf(r), 1);
        r.finish();
      }
      await settle();
      for (const t of [...tickers]) {
        if (now >= t.next) {
          t.next += t.ms;
          t.f();
        }
      }
    }
  }

  const of = (view: Call['view']) => calls.filter((c) => c.view === view).map((c) => c.at);
  return { store, timer, calls, of, advance, model, stacked: () => stacked };
}

describe('live views', () => {
  it('draws the attention of a newly built model at once, at step 0, without training', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    expect(h.calls).toEqual([]); // no model: nothing to draw
    h.store.setState({ modelReport: h.model, trainState: 'paused' });
    expect(h.of('attention')).toEqual([0]);
    await h.advance(30_000);
    // Paused: drawn once, and no sample was asked for.
    expect(h.of('attention')).toEqual([0]);
    expect(h.of('sample')).toEqual([]);
    // A rebuilt model is drawn again.
    h.store.setState({ modelReport: { params: 2 } as ModelReport });
    expect(h.of('attention')).toEqual([0, 30_000]);
    stop();
  });

  it('while training, redraws each view by the clock, every ~2 s, one request at a time, and once more at the end', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    h.store.setState({ modelReport: h.model, trainState: 'paused' });
    await h.advance(100);
    h.store.setState({ trainState: 'running' });
    await h.advance(15_000);
    const sample = h.of('sample');
    const attention = h.of('attention').slice(1); // after the step-0 map
    for (const starts of [sample, attention]) {
      expect(starts.length).toBeGreaterThanOrEqual(5);
      expect(starts.length).toBeLessThanOrEqual(8);
      expect(starts[0]).toBeGreaterThanOrEqual(2_100);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      for (const g of gaps) expect(g).toBeGreaterThanOrEqual(2_000);
    }
    // The sample takes 300 ms: its next one waits for it, and for 2 s after it.
    expect(sample[1] - sample[0]).toBeGreaterThanOrEqual(2_300);
    expect(h.stacked()).toBe(0);
    expect(h.store.getState().liveRedraws).toEqual({ sample: sample.length, attention: attention.length + 1 });

    // Paused: both views redrawn once more with the last weights, then left alone.
    const before = h.calls.length;
    h.store.setState({ trainState: 'paused' });
    await h.advance(30_000);
    expect(h.calls.length - before).toBe(2);
    stop();
  });

  it('a redraw in flight when training stops is followed by one more, not two at once', async () => {
    const h = harness({ sample: 1_000, attention: 1_000 });
    const stop = startLiveViews(h.store, h.timer);
    h.store.setState({ modelReport: h.model, attentionModel: h.model, trainState: 'running' });
    await h.advance(2_500); // both redraws started at ~2 s and are still running
    expect(h.of('sample')).toHaveLength(1);
    h.store.setState({ trainState: 'paused' });
    expect(h.of('sample')).toHaveLength(1);
    await h.advance(3_000);
    expect(h.of('sample')).toHaveLength(2);
    expect(h.of('sample')[1]).toBeGreaterThanOrEqual(h.of('sample')[0] + 1_000);
    expect(h.of('attention')).toHaveLength(2);
    stop();
  });

  it('a lost device holds the redraws until it is replaced, then draws the restored run', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    h.store.setState({ modelReport: h.model, attentionModel: h.model, trainState: 'running', gpu: { state: 'ready', report: {} as never } });
    await h.advance(2_500);
    const before = h.calls.length;
    h.store.setState({ gpu: { state: 'lost', error: { name: 'DeviceLostError', message: 'lost' }, report: null, resets: 0, step: 3 }, sampleTokens: [{ token: 1, text: 'a', label: 'a', prob: 1 }] });
    h.store.setState({ trainState: 'paused' });
    await h.advance(20_000);
    expect(h.calls.length).toBe(before);
    h.store.setState({ gpu: { state: 'ready', report: {} as never, reset: { error: { name: 'DeviceLostError', message: 'lost' }, count: 1, step: 3 } } });
    expect(h.calls.slice(before).map((c) => c.view).sort()).toEqual(['attention', 'sample']);
    stop();
  });

  it('nothing is asked of a GPU model once the device could not be replaced', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    const gpuModel = { params: 1, backend: 'gpu' } as ModelReport;
    h.store.setState({ modelReport: gpuModel, attentionModel: gpuModel, trainState: 'running', gpu: { state: 'error', error: { name: 'DeviceLostError', message: 'gave up' } } });
    h.store.setState({ trainState: 'paused' });
    await h.advance(20_000);
    expect(h.calls).toEqual([]);
    // A model on the CPU engine does not need the GPU.
    const cpuModel = { params: 1, backend: 'cpu' } as ModelReport;
    h.store.setState({ modelReport: cpuModel });
    expect(h.of('attention')).toEqual([20_000]);
    stop();
  });

  it('a sample the user started is not stacked on: the next live one comes a gap after it ends', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    h.store.setState({ modelReport: h.model, attentionModel: h.model, trainState: 'running' });
    await h.advance(500);
    h.store.setState({ sampleBusy: true }); // Generate, pressed while training
    await h.advance(6_000);
    expect(h.of('sample')).toEqual([]);
    expect(h.of('attention').length).toBeGreaterThanOrEqual(2);
    h.store.setState({ sampleBusy: false });
    await h.advance(3_000);
    expect(h.of('sample')).toEqual([6_500 + 2_000]);
    stop();
  });

  it('turned off: no redraws while training and none at the end; the user’s own sample is not replaced', async () => {
    const h = harness();
    const stop = startLiveViews(h.store, h.timer);
    h.store.setState({ modelReport: h.model, attentionModel: h.model, liveViews: false, trainState: 'running' });
    await h.advance(20_000);
    h.store.setState({ trainState: 'paused' });
    await h.advance(1_000);
    expect(h.calls).toEqual([]);

    h.store.setState({ liveViews: true, trainState: 'running' });
    h.store.setState({ sampleBusy: true }); // the user pressed Generate
    h.store.setState({ trainState: 'paused' });
    h.store.setState({ sampleBusy: false });
    await h.advance(1_000);
    expect(h.calls.map((c) => c.view)).toEqual(['attention']);
    stop();
  });
});
