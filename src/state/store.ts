// The app's state: one zustand store built from slices, actions beside their state.
// High-frequency training metrics live apart, in metrics.ts.
import { create } from 'zustand';
import { createAttentionSlice } from './slices/attention';
import { createProfileSlice } from './slices/profile';
import { createDataSlice } from './slices/data';
import { createGpuSlice } from './slices/gpu';
import { createModelSlice } from './slices/model';
import { createSampleSlice } from './slices/sample';
import { createTrainSlice } from './slices/train';
import type { AppState } from './types';
import { engine } from './engine';
import { pushEval, pushStep } from './metrics';
import { startLiveViews } from './live-views';

export type { AppState };

export const useAppStore = create<AppState>()((...a) => ({
  ...createGpuSlice(...a),
  ...createDataSlice(...a),
  ...createModelSlice(...a),
  ...createTrainSlice(...a),
  ...createSampleSlice(...a),
  ...createAttentionSlice(...a),
  ...createProfileSlice(...a),
}));

/**
 * Routes the worker's events into the stores and keeps the live views (sample, attention)
 * current; returns the function that stops both.
 */
export function connectEngineEvents(): () => void {
  const s = () => useAppStore.getState();
  // The live views are redrawn by the clock (live-views.ts), not per step: a step only charts.
  const stopLiveViews = startLiveViews(useAppStore);
  const off = engine().onEvent((e) => {
    switch (e.type) {
      case 'step':
        pushStep(e.report);
        break;
      case 'eval':
        pushEval(e.report);
        break;
      case 'state':
        s().onTrainState(e.state, e.step, e.message);
        break;
      case 'progress':
        useAppStore.setState({ dataProgress: { fraction: e.fraction, message: e.message } });
        break;
      case 'sample-token':
        s().onSampleToken(e);
        break;
      case 'device-lost':
        s().setDeviceLost(e.error, e.recovery, e.step);
        break;
      case 'device-restored':
        s().setDeviceRestored(e.step);
        break;
      case 'unhandled-error':
        console.error(`engine worker: unhandled ${e.error.name}: ${e.error.message}`);
        break;
    }
  });
  return () => {
    off();
    stopLiveViews();
  };
}
