// Keeps the live views current: the sample and the attention maps are redrawn by the clock
// while training (live-refresh.ts decides when), once more when training stops so that they
// show the last weights, after a lost device brought the run back, and the attention maps of
// every newly built model are drawn at once, an untrained one included.
import { afterRefresh, idleViewClock, liveRefreshDue, type LiveViewClock } from './live-refresh';
import type { AppState } from './types';

export type LiveView = 'sample' | 'attention';
const VIEWS: LiveView[] = ['sample', 'attention'];

/** The clock and timer the views are driven by (a fake one in tests). */
export interface LiveTimer {
  now(): number;
  every(ms: number, f: () => void): () => void;
}

const realTimer: LiveTimer = {
  now: () => performance.now(),
  every: (ms, f) => {
    const id = setInterval(f, ms);
    return () => clearInterval(id);
  },
};

/** How often the clock is looked at while training: well under the shortest gap. */
export const LIVE_TICK_MS = 250;

/** What the live views read and call in the app's store. */
export type LiveHost = Pick<
  AppState,
  'trainState' | 'liveViews' | 'liveRedraws' | 'modelReport' | 'modelBusy' | 'gpu' | 'sampleBusy' | 'attentionBusy' | 'attentionModel' | 'sampleTokens' | 'runSample' | 'refreshAttention'
>;

/** The part of a zustand store the live views use (the app's store, or a small one in tests). */
export interface LiveStore {
  getState(): LiveHost;
  setState(partial: Partial<LiveHost>): void;
  subscribe(listener: (state: LiveHost, prev: LiveHost) => void): () => void;
}

const busy = (s: LiveHost, v: LiveView) => (v === 'sample' ? s.sampleBusy : s.attentionBusy);
/**
 * A view is not asked for while there is no model, one is being built, or the model's device
 * is being replaced (or could not be: the GPU panel then says what to do).
 */
const blocked = (s: LiveHost) => !s.modelReport || s.modelBusy || s.gpu.state === 'lost' || (s.gpu.state === 'error' && s.modelReport.backend === 'gpu');
const training = (s: LiveHost) => s.trainState === 'running' && s.liveViews;

/** Starts driving the views from `store`; returns the function that stops it. */
export function startLiveViews(store: LiveStore, timer: LiveTimer = realTimer): () => void {
  const views: Record<LiveView, LiveViewClock> = { sample: idleViewClock(), attention: idleViewClock() };
  /** Redraws this module started and has not seen end. */
  const ours: Record<LiveView, boolean> = { sample: false, attention: false };
  let stopTicking: (() => void) | null = null;
  let stopped = false;

  const redraw = (v: LiveView) => {
    const s = store.getState();
    ours[v] = true;
    views[v] = { ...views[v], inFlight: true, pending: false };
    store.setState({ liveRedraws: { ...s.liveRedraws, [v]: s.liveRedraws[v] + 1 } });
    const started = timer.now();
    const run = v === 'sample' ? s.runSample() : s.refreshAttention();
    void run
      .catch(() => undefined) // each action shows its own errors in its panel
      .finally(() => {
        ours[v] = false;
        views[v] = afterRefresh(views[v], started, timer.now());
        if (!stopped) check();
      });
  };

  /** Starts every redraw that is due now. */
  const check = () => {
    const s = store.getState();
    if (!s.modelReport) {
      for (const v of VIEWS) views[v].pending = false;
      return;
    }
    if (blocked(s)) return;
    // A model whose maps were never asked for (just built, or rebuilt on another device). A
    // request in flight settles attentionModel: whether this model still needs its own is
    // known once it ends.
    if (s.attentionModel !== s.modelReport && !ours.attention && !s.attentionBusy) views.attention.pending = true;
    const now = timer.now();
    for (const v of VIEWS) {
      const view = { ...views[v], inFlight: ours[v] || busy(s, v) };
      if (liveRefreshDue(now, view, training(s))) redraw(v);
    }
  };

  const tickWhileTraining = (s: LiveHost) => {
    if (training(s) && !stopTicking) stopTicking = timer.every(LIVE_TICK_MS, check);
    else if (!training(s) && stopTicking) {
      stopTicking();
      stopTicking = null;
    }
  };

  const unsubscribe = store.subscribe((s, prev) => {
    const now = timer.now();
    const wasTraining = prev.trainState === 'running';
    const isTraining = s.trainState === 'running';
    if (isTraining && !wasTraining) {
      // The views show the weights training starts from: the first redraw is one gap later.
      for (const v of VIEWS) views[v].lastEnd = now;
    }
    if (wasTraining && !isTraining && s.liveViews) {
      // Once more with the weights training stopped at, unless the user's own sample is running.
      views.attention.pending = true;
      if (!(s.sampleBusy && !ours.sample)) views.sample.pending = true;
    }
    if (s.trainState === 'diverged' && prev.trainState !== 'diverged') views.attention.pending = true;
    // A lost device was replaced and the run restored, perhaps at an earlier step.
    if (prev.gpu.state === 'lost' && s.gpu.state === 'ready' && s.gpu.reset?.step != null) {
      views.attention.pending = true;
      if (s.sampleTokens.length > 0) views.sample.pending = true;
    }
    // A redraw someone else asked for (Generate, Refresh) also shows current weights.
    for (const v of VIEWS) if (busy(prev, v) && !busy(s, v) && !ours[v]) views[v].lastEnd = now;
    tickWhileTraining(s);
    check();
  });

  tickWhileTraining(store.getState());
  check();
  return () => {
    stopped = true;
    unsubscribe();
    stopTicking?.();
    stopTicking = null;
  };
}
