// Units switched off (heads, or a layer's attention or MLP sublayer), zeroed or set to their
// mean over validation text. Every change is sent to the worker at once; once it is in force
// the views that show the model's behaviour are drawn again with it: the sample and its
// next-token bars, the attention maps and a measured surprisal. Ablations are never saved: a
// reload or a new model starts with every unit on.
import type { StateCreator, StoreApi } from 'zustand';
import type { AblationMode, Unit } from '../../core/inspect';
import { ablationsOf, toggleUnit } from '../ablation-list';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export interface AblationSlice {
  /** Units switched off, in the model's order. */
  ablations: Unit[];
  ablationMode: AblationMode;
  /** The names of the units the worker has off (what samples and bars are computed with). */
  ablated: string[];
  /** A change is on its way to the worker. */
  ablationBusy: boolean;
  ablationError: string | null;
  toggleAblation: (unit: Unit) => Promise<void>;
  setAblationMode: (mode: AblationMode) => Promise<void>;
  /** Every unit on again. */
  restoreAll: () => Promise<void>;
  /** Sends the units off again: after a model was rebuilt on a new device. */
  reapplyAblations: () => Promise<void>;
  /** Forgets them without asking the worker: its new model has every unit on. */
  clearAblations: () => void;
}

/** The latest change sent: the refreshes after an older one are left to the newer one. */
let sent = 0;

export const createAblationSlice: StateCreator<AppState, [], [], AblationSlice> = (set, get, api) => {
  /** Confirmed by the worker: what the units go back to when a change fails. */
  let confirmed: { units: Unit[]; mode: AblationMode } = { units: [], mode: 'zero' };

  const apply = async (units: Unit[], mode: AblationMode) => {
    set({ ablations: units, ablationMode: mode, ablationError: null });
    // Without a model there is nothing to switch off: the toggles are not offered then.
    if (!get().modelReport) return;
    const id = ++sent;
    const model = get().modelReport;
    set({ ablationBusy: true });
    try {
      const { ablated } = await engine().request('setAblations', { ablations: ablationsOf(units, mode) });
      if (id !== sent || get().modelReport !== model) return;
      confirmed = { units, mode };
      set({ ablated, ablationBusy: false });
      await refreshViews(api, get);
    } catch (e) {
      if (id !== sent || get().modelReport !== model) return;
      set({ ablations: confirmed.units, ablationMode: confirmed.mode, ablationError: asWire(e).message });
    } finally {
      if (id === sent) set({ ablationBusy: false });
    }
  };

  return {
    ablations: [],
    ablationMode: 'zero',
    ablated: [],
    ablationBusy: false,
    ablationError: null,
    toggleAblation: (unit) => apply(toggleUnit(get().ablations, unit), get().ablationMode),
    setAblationMode: (mode) => (get().ablations.length === 0 ? Promise.resolve(set({ ablationMode: mode })) : apply(get().ablations, mode)),
    restoreAll: () => apply([], get().ablationMode),
    reapplyAblations: () => (get().ablations.length > 0 ? apply(get().ablations, get().ablationMode) : Promise.resolve()),
    clearAblations: () => {
      sent++;
      confirmed = { units: [], mode: get().ablationMode };
      set({ ablations: [], ablated: [], ablationBusy: false, ablationError: null });
    },
  };
};

/** Resolves once `ready` holds for the store's state. */
function until(api: StoreApi<AppState>, ready: (s: AppState) => boolean): Promise<void> {
  if (ready(api.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const off = api.subscribe((s) => {
      if (!ready(s)) return;
      off();
      resolve();
    });
  });
}

/**
 * Draws again what the ablations change: the attention maps, the sample shown (its bars are
 * the logits it was drawn with; one being written is stopped and started again) and the
 * surprisal with the position looked at in it. Each shows its own errors.
 */
async function refreshViews(api: StoreApi<AppState>, get: () => AppState): Promise<void> {
  const s = get();
  const model = s.modelReport;
  // Each redraw waits for the one running to end; by then the model may be gone, and the
  // actions would build a new one: nobody asked for that.
  const then = (ready: (x: AppState) => boolean, redraw: () => Promise<void>) =>
    until(api, ready).then(() => (get().modelReport === model ? redraw() : undefined));
  const jobs: Promise<unknown>[] = [then((x) => !x.attentionBusy, () => get().refreshAttention())];
  if (s.sampleTokens.length > 0 || s.sampleBusy) {
    s.stopSample();
    jobs.push(then((x) => !x.sampleBusy, () => get().runSample()));
  }
  const { surprisal, position } = s.inspect;
  if (surprisal.query) jobs.push(get().runInspect(surprisal.query));
  if (position.query) jobs.push(get().runInspect(position.query));
  await Promise.all(jobs.map((j) => j.catch(() => undefined)));
}
