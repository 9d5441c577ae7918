// The Attention panel's state: the attention maps of the current prompt for every layer and
// head, and which head is enlarged.
import type { StateCreator } from 'zustand';
import type { AttentionReport, ModelReport } from '../../core/protocol';
import { engine } from '../engine';
import { metricsStore } from '../metrics';
import { asWire, type AppState } from '../types';

export interface AttentionSlice {
  attention: AttentionReport | null;
  /**
   * The model the maps (or the error) shown were asked of; a model built since has not been
   * drawn yet (live-views.ts draws it).
   */
  attentionModel: ModelReport | null;
  /** The training step of the weights the maps were drawn from. */
  attentionStep: number | null;
  /** The head shown large, or null for the grid only. */
  focusHead: { layer: number; head: number } | null;
  attentionBusy: boolean;
  attentionError: string | null;
  setFocusHead: (h: { layer: number; head: number } | null) => void;
  /** Draws the maps of the current model for the prompt, building the model first if there is none. */
  refreshAttention: () => Promise<void>;
}

export const createAttentionSlice: StateCreator<AppState, [], [], AttentionSlice> = (set, get) => ({
  attention: null,
  attentionModel: null,
  attentionStep: null,
  focusHead: null,
  attentionBusy: false,
  attentionError: null,
  setFocusHead: (focusHead) => set({ focusHead }),
  refreshAttention: async () => {
    if (get().attentionBusy) return;
    set({ attentionBusy: true, attentionError: null });
    try {
      if (!(await get().createModel())) {
        const { dataError, modelError } = get();
        set({ attentionError: `The model could not be built: ${dataError ?? modelError?.message ?? 'unknown error'}` });
        return;
      }
      const model = get().modelReport;
      // While training the chart is ahead of the store's step, which moves with the run's state.
      const step = get().trainState === 'running' ? (metricsStore.getState().steps.at(-1)?.step ?? get().step) : get().step;
      try {
        const attention = await engine().request('attention', { prompt: get().prompt });
        // Maps of a model replaced meanwhile are not shown: the new one gets its own.
        if (get().modelReport === model) set({ attention, attentionStep: step });
      } catch (e) {
        if (get().modelReport === model) set({ attentionError: asWire(e).message });
      } finally {
        set({ attentionModel: model });
      }
    } finally {
      set({ attentionBusy: false });
    }
  },
});
