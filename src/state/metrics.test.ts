import { beforeEach, describe, expect, it } from 'vitest';
import { markLr, metricsStore, pushEval, pushStep, resetMetrics, rewindMetrics } from './metrics';

const step = (n: number, loss = 3 - n / 100) => ({ step: n, loss, lr: 1e-3, tokensPerSec: 1000, stepMs: 10 });

describe('metrics history', () => {
  beforeEach(() => resetMetrics());

  it('a rewind drops every point after the restored step, and only when there is one', () => {
    for (let i = 1; i <= 60; i++) pushStep(step(i, i > 55 ? NaN : 3));
    pushEval({ step: 50, train: 2, val: 2.1 });
    pushEval({ step: 60, train: NaN, val: NaN });
    markLr(40, 1e-2);
    markLr(58, 1e-4);
    rewindMetrics(50);
    const s = metricsStore.getState();
    expect(s.steps.map((x) => x.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(s.steps.every((x) => Number.isFinite(x.loss))).toBe(true);
    expect(s.evals.map((e) => e.step)).toEqual([50]);
    expect(s.lrMarks).toEqual([{ step: 40, lr: 1e-2 }]);
    const version = s.version;
    rewindMetrics(50);
    expect(metricsStore.getState().version).toBe(version); // nothing to drop: no re-render
  });

  it('a rewind to step 0 empties the chart; training on appends again', () => {
    for (let i = 1; i <= 5; i++) pushStep(step(i));
    rewindMetrics(0);
    expect(metricsStore.getState().steps).toEqual([]);
    pushStep(step(1));
    expect(metricsStore.getState().steps.map((x) => x.step)).toEqual([1]);
  });
});
