// The Model panel's state: size and variants, CPU or GPU, and the report of the model the
// worker built (parameter count, memory estimate).
import type { StateCreator } from 'zustand';
import { DEFAULT_CONFIG } from '../../core/config';
import type { Backend, ModelChoice, ModelReport } from '../../core/protocol';
import { engine } from '../engine';
import { resetMetrics } from '../metrics';
import { asWire, type AppState } from '../types';
import type { InitialWeights } from '../demo';

const { vocabSize: _unused, ...defaultModel } = DEFAULT_CONFIG;

export interface ModelSlice {
  model: ModelChoice;
  backend: Backend;
  /** The model the worker holds; null when settings changed since (Train rebuilds it). */
  modelReport: ModelReport | null;
  modelBusy: boolean;
  /** An error to show next to the input that caused it: field is 'text', 'model' or 'train'. */
  modelError: { field: string; message: string } | null;
  /** Weights (and optimizer state) the next build starts from: a shared link, a saved run. */
  initialWeights: InitialWeights | null;
  setModel: (changes: Partial<ModelChoice>) => void;
  setBackend: (b: Backend) => void;
  /** Forgets the worker's model: the next Train builds a fresh one. */
  invalidateModel: () => void;
  /** Tokenizes (if needed) and builds the model with the current settings. */
  createModel: () => Promise<boolean>;
}

// One build at a time: Train, Step and Generate may all ask for the model at once.
let building: Promise<boolean> | null = null;

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set, get) => ({
  model: defaultModel,
  backend: 'gpu',
  modelReport: null,
  modelBusy: false,
  modelError: null,
  initialWeights: null,
  setModel: (changes) => {
    set({ model: { ...get().model, ...changes } });
    get().invalidateModel();
  },
  setBackend: (backend) => {
    set({ backend });
    get().invalidateModel();
  },
  invalidateModel: () => {
    if (get().trainState === 'running') void engine().request('train', { action: 'pause' }).catch(() => undefined);
    set({ modelReport: null, modelError: null, trainState: 'idle', trainMessage: null, step: 0, initialWeights: null });
  },
  createModel: () => {
    if (get().modelReport) return Promise.resolve(true);
    building ??= (async () => {
      set({ modelBusy: true, modelError: null });
      try {
        if (!(await get().applyData())) return false;
        const { model, backend } = get();
        const train = { ...get().train, blockSize: model.blockSize };
        const init = get().initialWeights;
        const modelReport = await engine().request('createModel', { model, train, backend, ...(init ? { init } : {}) });
        if (!init) resetMetrics();
        set({ modelReport, step: init?.step ?? 0, trainState: 'paused', sampleTokens: [], attention: null, initialWeights: null });
        return true;
      } catch (e) {
        const w = asWire(e);
        set({ modelError: { field: w.name === 'InputError' ? (w.code ?? 'model') : 'model', message: w.message } });
        return false;
      } finally {
        set({ modelBusy: false });
        building = null;
      }
    })();
    return building;
  },
});
