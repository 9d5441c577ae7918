// The Sample panel's state: prompt and sampling settings, the streamed tokens with the
// probability each had, and the logits of each step kept aside so the probability bars can
// be re-shaped when a slider moves, without running the model again.
import type { StateCreator } from 'zustand';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../../core/distribution';
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
  /** Draw a sample every N training steps (0: off). */
  liveEvery: number;
  /** Sample with an f16 copy of the weights (GPU engine only). */
  halfWeights: boolean;
  sampleTokens: SampleToken[];
  /** Index into sampleTokens whose next-token distribution the bars show. */
  selectedToken: number;
  sampleBusy: boolean;
  sampleError: string | null;
  setPrompt: (p: string) => void;
  setSampling: (changes: Partial<SamplingSettings>) => void;
  setSampleOptions: (changes: Partial<Pick<SampleSlice, 'maxTokens' | 'sampleSeed' | 'liveEvery' | 'halfWeights'>>) => void;
  selectToken: (i: number) => void;
  runSample: () => Promise<void>;
  onSampleToken: (e: Extract<Event, { type: 'sample-token' }>) => void;
}

let currentSample = -1;

export const createSampleSlice: StateCreator<AppState, [], [], SampleSlice> = (set, get) => ({
  prompt: '',
  sampling: DEFAULT_SAMPLING,
  maxTokens: 200,
  sampleSeed: 42,
  liveEvery: 100,
  halfWeights: false,
  sampleTokens: [],
  selectedToken: 0,
  sampleBusy: false,
  sampleError: null,
  setPrompt: (prompt) => set({ prompt }),
  setSampling: (changes) => set({ sampling: { ...get().sampling, ...changes } }),
  setSampleOptions: (changes) => set(changes),
  selectToken: (selectedToken) => set({ selectedToken }),
  runSample: async () => {
    if (get().sampleBusy) return;
    set({ sampleError: null });
    if (!(await get().createModel())) {
      const { dataError, modelError } = get();
      set({ sampleError: `The model could not be built: ${dataError ?? modelError?.message ?? 'unknown error'}` });
      return;
    }
    set({ sampleBusy: true, sampleError: null, sampleTokens: [], selectedToken: 0 });
    sampleLogits.length = 0;
    const { prompt, sampling, maxTokens, sampleSeed, halfWeights } = get();
    const req = engine().request('sample', { prompt, options: { ...sampling, maxTokens, seed: sampleSeed }, halfWeights });
    currentSample = -1; // the id is learned from the first event
    try {
      await req;
    } catch (e) {
      set({ sampleError: asWire(e).message });
    } finally {
      set({ sampleBusy: false });
    }
  },
  onSampleToken: (e) => {
    if (currentSample === -1) currentSample = e.sampleId;
    if (e.sampleId !== currentSample) return; // a stale stream
    sampleLogits.push(e.logits);
    const tokens = get().sampleTokens;
    set({ sampleTokens: [...tokens, { token: e.token, text: e.text, label: e.label, prob: e.probs[e.token] }] });
  },
});
