import { describe, expect, it } from 'vitest';
import type { StepReport } from '../../core/protocol';
import { buildChartModel, lossExtent, MARGIN, placeLabels, tooltipPosition } from './chartModel';

const steps: StepReport[] = [4.2, 3.1, 2.4, NaN].map((loss, i) => ({ step: i + 1, loss, lr: 1e-3, stepMs: 10, tokensPerSec: 1 }));

describe('buildChartModel', () => {
  const base = { width: 600, height: 260, steps, evals: [{ step: 2, train: 3, val: 3.5 }], maxSteps: 1000, log: false };
  it('puts the plot inside the margins and spans the whole run on x', () => {
    const m = buildChartModel(base);
    expect(m.plot).toEqual({ left: MARGIN.left, top: MARGIN.top, right: 600 - MARGIN.right, bottom: 260 - MARGIN.bottom });
    expect(m.x(0)).toBe(m.plot.left);
    expect(m.x(1000)).toBe(m.plot.right);
    expect(m.xTicks.map((t) => t.label)).toEqual(['0', '200', '400', '600', '800', '1k']);
  });
  it('fits y to the finite losses with nice ends', () => {
    const m = buildChartModel(base);
    expect(m.y(2)).toBe(m.plot.bottom);
    expect(m.y(4.5)).toBe(m.plot.top);
    expect(m.yTicks[0].label).toBe('2.0');
  });
  it('uses log ticks on a log axis', () => {
    const m = buildChartModel({ ...base, log: true });
    expect(m.yTicks.map((t) => t.value)).toEqual([3, 4]);
    expect(m.y(3)).toBeGreaterThan(m.y(4));
  });
  it('widens the left margin for long tick labels', () => {
    const huge = steps.map((s) => ({ ...s, loss: s.loss * 1e117 }));
    const m = buildChartModel({ ...base, steps: huge, evals: [] });
    expect(m.yTicks.some((t) => t.label.length >= 6)).toBe(true);
    expect(m.plot.left).toBeGreaterThan(MARGIN.left);
    expect(buildChartModel({ ...base, labelWidth: () => 500 }).plot.left).toBe(200); // at most a third
  });
  it('extends x past the planned steps when a run went further', () => {
    const m = buildChartModel({ ...base, maxSteps: 2 });
    expect(m.x(4)).toBe(m.plot.right);
  });
  it('has a sensible frame before any data and on a tiny canvas', () => {
    const m = buildChartModel({ ...base, steps: [], evals: [], width: 10, height: 10 });
    expect(m.yTicks.length).toBeGreaterThan(1);
    expect(m.plot.right).toBeGreaterThan(m.plot.left);
    expect(m.plot.bottom).toBeGreaterThan(m.plot.top);
  });
});

describe('lossExtent', () => {
  it('ignores non-finite values, and non-positive ones on a log axis', () => {
    expect(lossExtent(steps, [], false)).toEqual([2.4, 4.2]);
    expect(lossExtent([{ ...steps[0], loss: 0 }], [], true)).toBeNull();
  });
});

describe('placeLabels', () => {
  it('moves overlapping labels to the next row and drops what does not fit', () => {
    expect(placeLabels([0, 20, 200, 210, 215], [50, 50, 50, 50, 50], 2)).toEqual([0, 1, 0, 1, -1]);
  });
});

describe('tooltipPosition', () => {
  it('goes right of the point unless it would overflow', () => {
    expect(tooltipPosition(100, 120, 600)).toBe(112);
    expect(tooltipPosition(550, 120, 600)).toBe(418);
    expect(tooltipPosition(50, 120, 100)).toBe(0);
  });
});
