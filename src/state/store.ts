// The app's state: one zustand store built from slices, actions beside their state.
// High-frequency training metrics live apart, in metrics.ts.
import { create } from 'zustand';
import { createAblationSlice } from './slices/ablation';
import { createAttentionSlice } from './slices/attention';
import { createBenchmarkSlice } from './slices/benchmark';
import { createProfileSlice } from './slices/profile';
import { createDataSlice } from './slices/data';
import { createGpuSlice } from './slices/gpu';
import { createInspectSlice } from './slices/inspect';
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
  ...createBenchmarkSlice(...a),
  ...createInspectSlice(...a),
  ...createAblationSlice(...a),
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
        if (e.task === 'benchmark') useAppStore.setState({ benchmarkProgress: { fraction: e.fraction, message: e.message } });
        else useAppStore.setState({ dataProgress: { fraction: e.fraction, message: e.message } });
        break;
      case 'sample-token':
        s().onSampleToken(e);
        break;
      case 'device-lost':
        s().setDeviceLost(e.error, e.recovery, e.step);
        break;
      case 'device-restored':
        s().setDeviceRestored(e.step);
        // The units off are sent again for the model rebuilt there (sent twice, they change nothing).
        if (e.step !== null) void s().reapplyAblations();
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
