// The app's state: one zustand store built from slices, actions beside their state.
// Code outside React (the worker client) uses the vanilla store API.
import { create } from 'zustand';
import type { AdapterReport, WireError } from '../worker/protocol';
import { WorkerRequestError, type EngineClient } from '../worker/client';

export type GpuStatus =
  | { state: 'probing' }
  | { state: 'ready'; report: AdapterReport }
  | { state: 'error'; error: WireError };

interface GpuSlice {
  gpu: GpuStatus;
  probeGpu: (client: EngineClient) => Promise<void>;
  setDeviceLost: (error: WireError) => void;
}

export type AppState = GpuSlice;

const asWire = (e: unknown): WireError =>
  e instanceof WorkerRequestError ? e.wire : { name: 'Error', message: e instanceof Error ? e.message : String(e) };

export const useAppStore = create<AppState>()((set) => ({
  gpu: { state: 'probing' },
  probeGpu: async (client) => {
    set({ gpu: { state: 'probing' } });
    // Checked on the page too: some browsers expose WebGPU to pages but not to workers.
    if (!('gpu' in navigator) || !navigator.gpu) {
      set({
        gpu: {
          state: 'error',
          error: {
            name: 'GpuUnavailableError',
            code: 'no-webgpu',
            message: 'This browser does not expose WebGPU (navigator.gpu is missing).',
          },
        },
      });
      return;
    }
    try {
      const report = await client.request('probe');
      set({ gpu: { state: 'ready', report } });
    } catch (e) {
      set({ gpu: { state: 'error', error: asWire(e) } });
    }
  },
  setDeviceLost: (error) => set({ gpu: { state: 'error', error } }),
}));
