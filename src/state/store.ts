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

/** Routes the worker's events into the stores; returns the unsubscribe. */
export function connectEngineEvents(): () => void {
  const s = () => useAppStore.getState();
  return engine().onEvent((e) => {
    switch (e.type) {
      case 'step': {
        pushStep(e.report);
        const { liveEvery, sampleBusy, trainState } = s();
        // Live samples and attention maps while training, so heads can be watched forming.
        // A live-sample interval typed as 2.5 is shown as an error in its field and never fires.
        if (trainState === 'running' && Number.isInteger(liveEvery) && liveEvery > 0 && e.report.step % liveEvery === 0) {
          if (!sampleBusy) void s().runSample();
          void s().refreshAttention();
        }
        break;
      }
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
}
