// The default run follows the adapter: smaller on a software one (named or flagged as a
// fallback), the hardware default otherwise and before any adapter is known; the store
// applies it only to settings nobody chose.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AdapterReport, ModelReport } from '../core/protocol';
import { defaultsForAdapter, softwareAdapterName } from './adapter-defaults';
import { sizedDefaultsNote } from './slices/model';
import { DEFAULT_APP_TRAIN } from './slices/train';
import { useAppStore } from './store';

const adapter = (description: string, isFallback = false) => ({ description, isFallback, features: [], limits: {}, shaders: [] }) as AdapterReport;
const swiftshader = adapter('google / swiftshader (software)', true);
const hardwareGpu = adapter('nvidia / ampere / NVIDIA GeForce RTX 3060');
const initial = { model: useAppStore.getState().model, train: useAppStore.getState().train };

describe('softwareAdapterName', () => {
  it('names software renderers by the description, and a fallback adapter by its flag', () => {
    expect(softwareAdapterName(swiftshader)).toBe('SwiftShader');
    expect(softwareAdapterName(adapter('mesa / llvmpipe (LLVM 15.0.6, 256 bits)'))).toBe('llvmpipe');
    expect(softwareAdapterName(adapter('Microsoft Basic Render Driver'))).toBe('WARP');
    expect(softwareAdapterName(adapter('unnamed adapter', true))).toBe('fallback adapter');
    expect(softwareAdapterName(hardwareGpu)).toBeNull();
    expect(softwareAdapterName(adapter('apple / metal-3 / Apple M2'))).toBeNull();
  });
});

describe('defaultsForAdapter', () => {
  it('keeps the hardware default for a GPU and while no adapter is known', () => {
    for (const r of [hardwareGpu, null]) {
      const d = defaultsForAdapter(r, initial);
      expect(d.model).toBe(initial.model);
      expect(d.train).toBe(initial.train);
      expect(d.note).toBeNull();
    }
  });

  it('sizes a software adapter’s run smaller (fewer tokens per step and fewer steps) and says why', () => {
    const d = defaultsForAdapter(swiftshader, initial);
    expect(d.sizedFor).toBe('software');
    const tokens = (t: typeof d.train) => t.batchSize * t.blockSize * t.maxSteps;
    expect(tokens(d.train)).toBeLessThan(tokens(initial.train) / 5);
    expect(d.model.nEmbd).toBeLessThan(initial.model.nEmbd);
    expect(d.train.blockSize).toBe(d.model.blockSize);
    expect(d.model.nEmbd % d.model.nHead).toBe(0);
    // Only the size changes: the architecture and the optimizer stay as they were.
    expect({ ...d.model, nLayer: 0, nHead: 0, nEmbd: 0, blockSize: 0 }).toEqual({ ...initial.model, nLayer: 0, nHead: 0, nEmbd: 0, blockSize: 0 });
    expect(d.train.lr).toBe(initial.train.lr);
    expect(d.note).toBe('Sized for a software GPU (SwiftShader): about 3 min. A hardware GPU gets a larger default.');
  });
});

describe('the store applies adapter defaults only to settings nobody chose', () => {
  beforeEach(() => {
    useAppStore.setState({ ...initial, sizedDefaults: null, modelReport: null, initialWeights: null });
  });

  it('a software adapter replaces the untouched defaults, and the Model panel says why until the size changes', () => {
    useAppStore.getState().applyAdapterDefaults(swiftshader);
    const s = useAppStore.getState();
    expect(s.model).toEqual(defaultsForAdapter(swiftshader, initial).model);
    expect(s.train.maxSteps).toBe(defaultsForAdapter(swiftshader, initial).train.maxSteps);
    expect(sizedDefaultsNote(s)).toMatch(/^Sized for a software GPU \(SwiftShader\)/);
    // A learning-rate change keeps the note; a step count of the user's own drops it.
    useAppStore.setState({ train: { ...s.train, lr: 1e-3 } });
    expect(sizedDefaultsNote(useAppStore.getState())).not.toBeNull();
    useAppStore.setState({ train: { ...s.train, maxSteps: 5000 } });
    expect(sizedDefaultsNote(useAppStore.getState())).toBeNull();
  });

  it('a hardware GPU keeps the larger default, with nothing to say', () => {
    useAppStore.getState().applyAdapterDefaults(hardwareGpu);
    expect(useAppStore.getState().model).toBe(initial.model);
    expect(useAppStore.getState().train).toBe(DEFAULT_APP_TRAIN);
    expect(sizedDefaultsNote(useAppStore.getState())).toBeNull();
  });

  it('settings from a link or a saved run, even equal to the defaults, are kept; so is a built model', () => {
    const fromLink = { model: { ...initial.model }, train: { ...initial.train } };
    useAppStore.setState(fromLink);
    useAppStore.getState().applyAdapterDefaults(swiftshader);
    expect(useAppStore.getState().model).toBe(fromLink.model);
    expect(useAppStore.getState().train).toBe(fromLink.train);

    useAppStore.setState({ ...initial, modelReport: { params: 1 } as ModelReport });
    useAppStore.getState().applyAdapterDefaults(swiftshader);
    expect(useAppStore.getState().model).toBe(initial.model);
  });
});
