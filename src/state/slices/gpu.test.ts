// The GPU panel's state through a device loss: the model is kept (Train continues the run), the
// panel says the device is being replaced, then that it was, and where the run was restored.
import { beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from '../store';
import { metricsStore, pushStep } from '../metrics';
import type { AdapterReport, ModelReport } from '../../core/protocol';

const report = { description: 'test adapter', isFallback: true, features: [], limits: {}, shaders: [] } as AdapterReport;
const lost = { name: 'DeviceLostError', code: 'destroyed', message: 'WebGPU device lost (destroyed): Device was destroyed.' };

describe('gpu slice through a device loss', () => {
  beforeEach(() => {
    useAppStore.setState({ gpu: { state: 'ready', report }, modelReport: { params: 1 } as ModelReport, trainState: 'running', step: 12 });
    metricsStore.setState({ steps: [], evals: [], lrMarks: [], version: 0 });
    for (let s = 1; s <= 12; s++) pushStep({ step: s, loss: 1, lr: 1e-3, stepMs: 1, tokensPerSec: 1 });
  });

  it('keeps the model, says the device is being replaced, then where the run came back', () => {
    useAppStore.getState().setDeviceLost(lost, 'restoring', 6);
    expect(useAppStore.getState().gpu).toEqual({ state: 'lost', error: lost, report, resets: 0, step: 6 });
    expect(useAppStore.getState().modelReport).not.toBeNull();
    // The chart goes back to the step the run restarts from at once, not when the new device is ready.
    expect(metricsStore.getState().steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    useAppStore.getState().setDeviceRestored(6);
    expect(useAppStore.getState().gpu).toEqual({ state: 'ready', report, reset: { error: lost, count: 1, step: 6 } });
    expect(metricsStore.getState().steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    useAppStore.getState().setDeviceLost(lost, 'restoring', null);
    useAppStore.getState().setDeviceRestored(null);
    expect(useAppStore.getState().gpu).toMatchObject({ state: 'ready', reset: { count: 2, step: null } });
  });

  it('when the worker gives up the panel shows its message, and the model is still kept', () => {
    const gaveUp = { ...lost, message: 'The GPU was lost 4 times within a minute… Reload the page.' };
    useAppStore.getState().setDeviceLost(gaveUp, 'gave-up', 6);
    expect(useAppStore.getState().gpu).toEqual({ state: 'error', error: gaveUp });
    expect(useAppStore.getState().modelReport).not.toBeNull();
  });
});
