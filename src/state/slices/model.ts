// The Model panel's state: size and variants, CPU or GPU, and the report of the model the
// worker built (parameter count, memory estimate).
import type { StateCreator } from 'zustand';
import { DEFAULT_CONFIG } from '../../core/config';
import type { AdapterReport, Backend, ModelChoice, ModelReport } from '../../core/protocol';
import { defaultsForAdapter, type RunDefaults } from '../adapter-defaults';
import { engine } from '../engine';
import { resetMetrics } from '../metrics';
import { asWire, type AppState } from '../types';
import type { InitialWeights } from '../demo';
import { DEFAULT_APP_TRAIN } from './train';

const { vocabSize: _unused, ...defaultModel } = DEFAULT_CONFIG;

/**
 * The settings of the page before anyone chose any. Compared by identity: a change in a field,
 * a link, a saved run or a demo puts new objects in the store, equal values or not.
 */
const HARDWARE_DEFAULTS = { model: defaultModel, train: DEFAULT_APP_TRAIN };

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
  /** The defaults put in place for the adapter, when they differ from the hardware ones. */
  sizedDefaults: RunDefaults | null;
  /** Sizes the default model and run to the adapter, unless settings were chosen (by the user, a link, a saved run). */
  applyAdapterDefaults: (report: AdapterReport) => void;
  setModel: (changes: Partial<ModelChoice>) => void;
  setBackend: (b: Backend) => void;
  /** Forgets the worker's model: the next Train builds a fresh one. */
  invalidateModel: () => void;
  /** Tokenizes (if needed) and builds the model with the current settings. */
  createModel: () => Promise<boolean>;
}

/**
 * Why the model and run are the size they are, while they are still the adapter's defaults
 * (a changed size, batch or step count makes the estimate in it wrong: it goes).
 */
export function sizedDefaultsNote(s: Pick<ModelSlice, 'sizedDefaults' | 'model'> & Pick<AppState, 'train'>): string | null {
  const d = s.sizedDefaults;
  if (!d || s.model !== d.model || s.train.batchSize !== d.train.batchSize || s.train.maxSteps !== d.train.maxSteps) return null;
  return d.note;
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
  sizedDefaults: null,
  applyAdapterDefaults: (report) => {
    const s = get();
    const untouched = (x: object, key: 'model' | 'train') => x === HARDWARE_DEFAULTS[key] || x === s.sizedDefaults?.[key];
    if (!untouched(s.model, 'model') || !untouched(s.train, 'train') || s.modelReport || s.initialWeights) return;
    const d = defaultsForAdapter(report, HARDWARE_DEFAULTS);
    set({ model: d.model, train: d.train, sizedDefaults: d.sizedFor === 'hardware' ? null : d });
  },
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
    get().forgetInspect();
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
        get().forgetInspect();
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
