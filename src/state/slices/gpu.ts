// Whether WebGPU works here, the adapter, whether the user chose the CPU instead, and what
// became of a lost device (the worker replaces it and restores the run; the model stays).
import type { StateCreator } from 'zustand';
import type { AdapterReport, WireError } from '../../core/protocol';
import { engine } from '../engine';
import { rewindMetrics } from '../metrics';
import { asWire, type AppState } from '../types';

/** The device was lost and replaced: why, how often in this page, and where the run was restored. */
export interface GpuReset {
  error: WireError;
  count: number;
  /** The step the model was restored at, or null when there was no GPU model. */
  step: number | null;
}

export type GpuStatus =
  | { state: 'probing' }
  | { state: 'ready'; report: AdapterReport; reset?: GpuReset }
  /** Lost; the worker is opening a new device and restoring the run from `step` (null: no GPU model). */
  | { state: 'lost'; error: WireError; report: AdapterReport | null; resets: number; step: number | null }
  | { state: 'error'; error: WireError };

export interface GpuSlice {
  gpu: GpuStatus;
  probeGpu: () => Promise<void>;
  /**
   * The worker lost its device and restores the run from `step`; 'gave-up' when it stopped
   * replacing it (the error says what to do).
   */
  setDeviceLost: (error: WireError, recovery: 'restoring' | 'gave-up', step: number | null) => void;
  /** The worker has a new device; `step`: where the model was restored, if there was a GPU model. */
  setDeviceRestored: (step: number | null) => void;
}

const resetsSoFar = (gpu: GpuStatus): number => (gpu.state === 'lost' ? gpu.resets : gpu.state === 'ready' ? (gpu.reset?.count ?? 0) : 0);

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
      get().applyAdapterDefaults(report);
    } catch (e) {
      const error = asWire(e);
      set({ gpu: { state: 'error', error } });
      // Without a device, CPU mode is the way to train at all.
      if (error.name === 'GpuUnavailableError') set({ backend: 'cpu' });
    }
  },
  // The model is not forgotten: the worker keeps its last good state and builds it again on
  // the new device, so that Train continues the run instead of starting a new one.
  setDeviceLost: (error, recovery, step) => {
    const gpu = get().gpu;
    // The run goes back to its last good step: the chart and the step shown go back with it.
    if (step !== null) rewindMetrics(step);
    if (recovery === 'gave-up') set({ gpu: { state: 'error', error } });
    else set({ gpu: { state: 'lost', error, report: gpu.state === 'ready' ? gpu.report : gpu.state === 'lost' ? gpu.report : null, resets: resetsSoFar(gpu), step } });
  },
  setDeviceRestored: (step) => {
    const gpu = get().gpu;
    // The run went back to its last good step: the chart goes back with it.
    if (step !== null) rewindMetrics(step);
    const report = gpu.state === 'lost' ? gpu.report : gpu.state === 'ready' ? gpu.report : null;
    const error = gpu.state === 'lost' || gpu.state === 'error' ? gpu.error : null;
    // Without an earlier report (the device was lost before the first probe finished, or after
    // the worker gave up) the new device is probed afresh.
    if (!report || !error) {
      void get().probeGpu();
      return;
    }
    set({ gpu: { state: 'ready', report, reset: { error, count: resetsSoFar(gpu) + 1, step } } });
  },
});
