import { describe, expect, it } from 'vitest';
import type { StepReport } from '../../core/protocol';
import { chartSummary, computeStats } from './stats';

const run = (n: number, ms = 50): StepReport[] =>
  Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 4 - i * 0.01, lr: 1e-3, stepMs: i === 0 ? NaN : ms, tokensPerSec: i === 0 ? NaN : 20000 }));

describe('computeStats', () => {
  it('shows placeholders before the first step', () => {
    const s = computeStats([], [], 1000, 0);
    expect(s.step.text).toBe('0');
    expect(s.total.text).toBe('/ 1000');
    expect(s.loss.text).toBe('—');
    expect(s.val.text).toBe('—');
    expect(s.tokens.text).toBe('—');
    expect(s.stepTime.text).toBe('—');
    expect(s.eta.text).toBe('—');
  });
  it('estimates the time left from the recent step time', () => {
    const s = computeStats(run(100), [{ step: 100, train: 3.1, val: 3.2 }], 1000, 0);
    expect(s.step.text).toBe('100');
    expect(s.loss.text).toBe('3.010');
    expect(s.val.text).toBe('3.200');
    expect(s.valStep.text).toBe('at step 100');
    expect(s.tokens.text).toBe('20000');
    expect(s.stepTime.text).toBe('50.0 ms');
    expect(s.eta.value).toBeCloseTo(45); // 900 steps × 50 ms
    expect(s.eta.text).toBe('45s');
  });
  it('is not thrown off by the long step after a pause', () => {
    const steps = run(30);
    steps[29] = { ...steps[29], stepMs: 120_000 };
    expect(computeStats(steps, [], 1030, 0).eta.text).toBe('50s');
  });
  it('reads 0s once the run is complete', () => {
    expect(computeStats(run(10), [], 10, 0).eta.text).toBe('0s');
  });
  it('names a diverged loss', () => {
    const steps = run(3);
    steps.push({ step: 4, loss: NaN, lr: 1, stepMs: 50, tokensPerSec: 1 });
    expect(computeStats(steps, [], 10, 0).loss.text).toBe('NaN');
    expect(computeStats(steps, [], 10, 0, true).eta.text).toBe('—');
  });
});

describe('chartSummary', () => {
  it('guides when empty', () => {
    expect(chartSummary([], [], [], 1000)).toContain('Press Train to start');
  });
  it('summarises the latest losses and the trend', () => {
    const steps = run(50);
    const text = chartSummary(steps, [{ step: 50, train: 3.5, val: 3.6 }], [3.6], 1000);
    expect(text).toBe('Loss chart, step 50 of 1,000: train loss 3.510 (smoothed 3.600), down from 4.000 at step 1; validation loss 3.600 at step 50.');
  });
});
