// The Sample panel's state: prompt and sampling settings, the streamed tokens with the
// probability each had, and the logits of each step kept aside so the probability bars can
// be re-shaped when a slider moves, without running the model again. Settings are kept as
// entered (from a field, a link or an autosave) and checked before each generation.
import type { StateCreator } from 'zustand';
import { checkGenerateOptions, DEFAULT_SAMPLING, type GenerateOptions, type SamplingSettings } from '../../core/distribution';
import type { Event } from '../../core/protocol';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export interface SampleToken {
  token: number;
  text: string;
  label: string;
  /** Probability the token had when it was drawn (under the settings then). */
  prob: number;
}

/** Logits per generated token, outside React state: large, and only read on demand. */
export const sampleLogits: Float32Array[] = [];

export interface SampleSlice {
  prompt: string;
  sampling: SamplingSettings;
  maxTokens: number;
  sampleSeed: number;
  /**
   * Redraw the sample and the attention maps while training, by the clock (live-views.ts),
   * and once more when training stops.
   */
  liveViews: boolean;
  /** Redraws live-views.ts has started, per view (shown on the page for tests). */
  liveRedraws: { sample: number; attention: number };
  /** Sample with an f16 copy of the weights (GPU engine only). */
  halfWeights: boolean;
  sampleTokens: SampleToken[];
  /** Index into sampleTokens whose next-token distribution the bars show. */
  selectedToken: number;
  sampleBusy: boolean;
  /** The sample on screen was ended by Stop (or Escape) before its max tokens. */
  sampleStopped: boolean;
  sampleError: string | null;
  setPrompt: (p: string) => void;
  setSampling: (changes: Partial<SamplingSettings>) => void;
  setSampleOptions: (changes: Partial<Pick<SampleSlice, 'maxTokens' | 'sampleSeed' | 'liveViews' | 'halfWeights'>>) => void;
  selectToken: (i: number) => void;
  /** Generates with the current settings; does nothing while any of them is out of range. */
  runSample: () => Promise<void>;
  /** Ends the running sample before its next token, keeping what it wrote. */
  stopSample: () => void;
  onSampleToken: (e: Extract<Event, { type: 'sample-token' }>) => void;
}

/** Request id of the sample being streamed (its events carry it); -1 when none. */
let currentSample = -1;

/**
 * A generation is being started or run. Set at once, before the model build it may wait
 * for: two calls in one tick (a live redraw and a rewind's) must not both start one.
 */
let sampleStarted = false;

/**
 * Tokens received but not yet in the store. A small model writes hundreds of tokens a second:
 * one store update (and output re-render) per token starved the page of frames, so Stop
 * answered late and the panel could not even be drawn. They are added once per frame instead.
 */
let unshownTokens: SampleToken[] = [];
let showScheduled = false;
const nextFrame = (f: () => void) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(f) : setTimeout(f, 16));

/** What the next generation would be asked for, as checkGenerateOptions takes it. */
export function generateOptionsOf(s: Pick<SampleSlice, 'sampling' | 'maxTokens' | 'sampleSeed'>): GenerateOptions {
  return { ...s.sampling, maxTokens: s.maxTokens, seed: s.sampleSeed };
}

export const createSampleSlice: StateCreator<AppState, [], [], SampleSlice> = (set, get) => {
  const showTokens = () => {
    showScheduled = false;
    if (unshownTokens.length === 0) return;
    const added = unshownTokens;
    unshownTokens = [];
    set({ sampleTokens: [...get().sampleTokens, ...added] });
  };
  /** Builds the model if needed, then streams one generation into the store. */
  const generateSample = async () => {
    set({ sampleError: null });
    if (!(await get().createModel())) {
      const { dataError, modelError } = get();
      set({ sampleError: `The model could not be built: ${dataError ?? modelError?.message ?? 'unknown error'}` });
      return;
    }
    // Read after the build, which may take a while: the fields may have changed meanwhile.
    const options = generateOptionsOf(get());
    if (Object.keys(checkGenerateOptions(options)).length) return;
    set({ sampleBusy: true, sampleStopped: false, sampleError: null, sampleTokens: [], selectedToken: 0 });
    sampleLogits.length = 0;
    unshownTokens = [];
    const { prompt, halfWeights } = get();
    const { id, result } = engine().send('sample', { prompt, options, halfWeights });
    currentSample = id;
    try {
      const { stopped } = await result;
      set({ sampleStopped: stopped });
    } catch (e) {
      set({ sampleError: asWire(e).message });
    } finally {
      currentSample = -1;
      showTokens(); // the last ones, without waiting for a frame (a hidden tab has none)
      set({ sampleBusy: false });
    }
  };
  return {
    prompt: '',
    sampling: DEFAULT_SAMPLING,
    maxTokens: 200,
    sampleSeed: 42,
    liveViews: true,
    liveRedraws: { sample: 0, attention: 0 },
    halfWeights: false,
    sampleTokens: [],
    selectedToken: 0,
    sampleBusy: false,
    sampleStopped: false,
    sampleError: null,
    setPrompt: (prompt) => set({ prompt }),
    setSampling: (changes) => set({ sampling: { ...get().sampling, ...changes } }),
    setSampleOptions: (changes) => set(changes),
    selectToken: (selectedToken) => set({ selectedToken }),
    runSample: async () => {
      if (get().sampleBusy || sampleStarted) return;
      // The fields show what is wrong; a live sample while training just waits for a fix.
      if (Object.keys(checkGenerateOptions(generateOptionsOf(get()))).length) return;
      sampleStarted = true;
      try {
        await generateSample();
      } finally {
        sampleStarted = false;
      }
    },
    stopSample: () => {
      if (!get().sampleBusy || currentSample === -1) return;
      // The sample's own reply ends sampleBusy; this one only says whether it was still going.
      void engine().request('stopSample', { sampleId: currentSample }).catch(() => undefined);
    },
    onSampleToken: (e) => {
      if (e.sampleId !== currentSample) return; // a stale stream
      sampleLogits.push(e.logits);
      unshownTokens.push({ token: e.token, text: e.text, label: e.label, prob: e.probs[e.token] });
      if (!showScheduled) {
        showScheduled = true;
        nextFrame(showTokens);
      }
    },
  };
};
