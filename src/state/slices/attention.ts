// The Attention panel's state: the attention maps of the current prompt for every layer and
// head, and which head is enlarged.
import type { StateCreator } from 'zustand';
import type { AttentionReport } from '../../core/protocol';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export interface AttentionSlice {
  attention: AttentionReport | null;
  /** The head shown large, or null for the grid only. */
  focusHead: { layer: number; head: number } | null;
  attentionBusy: boolean;
  attentionError: string | null;
  setFocusHead: (h: { layer: number; head: number } | null) => void;
  refreshAttention: () => Promise<void>;
}

export const createAttentionSlice: StateCreator<AppState, [], [], AttentionSlice> = (set, get) => ({
  attention: null,
  focusHead: null,
  attentionBusy: false,
  attentionError: null,
  setFocusHead: (focusHead) => set({ focusHead }),
  refreshAttention: async () => {
    if (get().attentionBusy || !get().modelReport) return;
    set({ attentionBusy: true, attentionError: null });
    try {
      const attention = await engine().request('attention', { prompt: get().prompt });
      set({ attention });
    } catch (e) {
      set({ attentionError: asWire(e).message });
    } finally {
      set({ attentionBusy: false });
    }
  },
});
