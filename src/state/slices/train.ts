// The Train panel's state: hyperparameters, the run's state, and its controls. Settings that
// shape the model or its batches rebuild the model; the learning-rate schedule, decay and
// clipping apply to a running model at its next step (and a learning-rate change is marked
// on the chart).
import type { StateCreator } from 'zustand';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import type { TrainChanges, TrainState } from '../../core/protocol';
import { engine } from '../engine';
import { markLr, metricsStore, resetMetrics, rewindMetrics } from '../metrics';
import { asWire, type AppState } from '../types';

const LIVE: (keyof TrainChanges)[] = ['lr', 'minLr', 'warmupSteps', 'maxSteps', 'weightDecay', 'gradClip', 'evalEvery', 'evalIters'];

export interface TrainSlice {
  train: TrainSettings;
  trainState: TrainState;
  trainMessage: string | null;
  step: number;
  setTrain: (changes: Partial<TrainSettings>) => void;
  start: () => Promise<void>;
  pause: () => Promise<void>;
  stepOnce: () => Promise<void>;
  reset: () => Promise<void>;
  onTrainState: (state: TrainState, step: number, message?: string) => void;
}

export const DEFAULT_APP_TRAIN: TrainSettings = { ...DEFAULT_TRAIN, lr: 3e-3, minLr: 3e-4, warmupSteps: 20, maxSteps: 1000, evalEvery: 50, evalIters: 5 };

export const createTrainSlice: StateCreator<AppState, [], [], TrainSlice> = (set, get) => ({
  train: DEFAULT_APP_TRAIN,
  trainState: 'idle',
  trainMessage: null,
  step: 0,
  setTrain: (changes) => {
    set({ train: { ...get().train, ...changes } });
    const live = Object.keys(changes).every((k) => LIVE.includes(k as keyof TrainChanges));
    if (!live) {
      get().invalidateModel();
      return;
    }
    if (!get().modelReport) return;
    // After a NaN the run went back to earlier weights: the change applies from there.
    const step = get().trainState === 'diverged' ? get().step : (metricsStore.getState().steps.at(-1)?.step ?? get().step);
    if (changes.lr !== undefined && step > 0) markLr(step, changes.lr);
    void engine()
      .request('updateTrain', { changes: changes as TrainChanges })
      .catch((e: unknown) => set({ modelError: { field: 'train', message: asWire(e).message } }));
  },
  start: async () => {
    if (!(await get().createModel())) return;
    try {
      const r = await engine().request('train', { action: 'start' });
      set({ trainState: r.state, step: r.step });
    } catch (e) {
      set({ modelError: { field: 'train', message: asWire(e).message } });
    }
  },
  pause: async () => {
    try {
      const r = await engine().request('train', { action: 'pause' });
      set({ trainState: r.state, step: r.step });
    } catch (e) {
      set({ modelError: { field: 'train', message: asWire(e).message } });
    }
  },
  stepOnce: async () => {
    if (!(await get().createModel())) return;
    try {
      const r = await engine().request('train', { action: 'step' });
      set({ trainState: r.state, step: r.step });
    } catch (e) {
      set({ modelError: { field: 'train', message: asWire(e).message } });
    }
  },
  reset: async () => {
    get().invalidateModel();
    resetMetrics();
    await get().createModel();
  },
  onTrainState: (trainState, step, message) => {
    // A divergence, a step the GPU refused or a reset GPU restores earlier weights: the chart
    // goes back with them, and the sample shown is drawn again from the restored model (the
    // last one may have come from broken weights).
    const lastCharted = metricsStore.getState().steps.at(-1)?.step ?? 0;
    const rewound = step < lastCharted;
    if (rewound || trainState === 'diverged') rewindMetrics(step);
    set({ trainState, step, trainMessage: message ?? null });
    if (rewound && get().modelReport && get().sampleTokens.length > 0 && !get().sampleBusy) void get().runSample();
  },
});
