// Whether WebGPU works here, the adapter, and whether the user chose the CPU instead.
import type { StateCreator } from 'zustand';
import type { AdapterReport, WireError } from '../../core/protocol';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export type GpuStatus = { state: 'probing' } | { state: 'ready'; report: AdapterReport } | { state: 'error'; error: WireError };

export interface GpuSlice {
  gpu: GpuStatus;
  probeGpu: () => Promise<void>;
  setDeviceLost: (error: WireError) => void;
}

export const createGpuSlice: StateCreator<AppState, [], [], GpuSlice> = (set, get) => ({
  gpu: { state: 'probing' },
  probeGpu: async () => {
    set({ gpu: { state: 'probing' } });
    // Checked on the page too: some browsers expose WebGPU to pages but not to workers.
    if (!('gpu' in navigator) || !navigator.gpu) {
      set({
        gpu: {
          state: 'error',
          error: { name: 'GpuUnavailableError', code: 'no-webgpu', message: 'This browser does not expose WebGPU (navigator.gpu is missing).' },
        },
        backend: 'cpu',
      });
      return;
    }
    try {
      const report = await engine().request('probe');
      set({ gpu: { state: 'ready', report } });
    } catch (e) {
      const error = asWire(e);
      set({ gpu: { state: 'error', error } });
      // Without a device, CPU mode is the way to train at all.
      if (error.name === 'GpuUnavailableError') set({ backend: 'cpu' });
    }
  },
  setDeviceLost: (error) => {
    set({ gpu: { state: 'error', error } });
    get().invalidateModel();
  },
});
