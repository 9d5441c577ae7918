// The profiler's state: the last report and the action that asks the worker for one.
import type { StateCreator } from 'zustand';
import type { ProfileReport } from '../../core/protocol';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export interface ProfileSlice {
  profile: ProfileReport | null;
  profileBusy: boolean;
  profileError: string | null;
  runProfile: (what: 'step' | 'token') => Promise<void>;
}

export const createProfileSlice: StateCreator<AppState, [], [], ProfileSlice> = (set, get) => ({
  profile: null,
  profileBusy: false,
  profileError: null,
  runProfile: async (what) => {
    if (get().profileBusy) return;
    set({ profileBusy: true, profileError: null });
    try {
      if (!(await get().createModel())) throw new Error(get().modelError?.message ?? get().dataError ?? 'the model could not be built');
      set({ profile: await engine().request('profile', { what }) });
    } catch (e) {
      set({ profileError: asWire(e).message });
    } finally {
      set({ profileBusy: false });
    }
  },
});
