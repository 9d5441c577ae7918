import { describe, expect, it } from 'vitest';
import type { StepReport } from '../../core/protocol';
import { buildChartModel, countAbove, lastStepOf, lossExtent, MARGIN, placeLabels, tooltipPosition } from './chartModel';

const steps: StepReport[] = [4.2, 3.1, 2.4, NaN].map((loss, i) => ({ step: i + 1, loss, lr: 1e-3, stepMs: 10, tokensPerSec: 1 }));

describe('buildChartModel', () => {
  const base = { width: 600, height: 260, steps, evals: [{ step: 2, train: 3, val: 3.5 }], maxSteps: 1000, log: false };
  it('puts the plot inside the margins and fits x to the steps done, marking the planned end beyond', () => {
    const m = buildChartModel(base);
    expect(m.plot).toEqual({ left: MARGIN.left, top: MARGIN.top, right: 600 - MARGIN.right, bottom: 260 - MARGIN.bottom });
    expect(m.x(0)).toBe(m.plot.left);
    expect(m.xMax).toBe(10); // 4 steps done: the shortest axis, not the 1000 planned
    expect(m.x(10)).toBe(m.plot.right);
    expect(m.planned).toEqual({ step: 1000, onAxis: false });
    const later = buildChartModel({ ...base, steps: [...steps, { ...steps[0], step: 170, loss: 2 }] });
    expect(later.xMax).toBe(200);
    expect(later.xTicks.map((t) => t.label)).toEqual(['0', '50', '100', '150', '200']);
  });
  it('ends x at the planned end once the run nears it, and marks it there', () => {
    const near = buildChartModel({ ...base, maxSteps: 180, steps: [{ ...steps[0], step: 170 }] });
    expect(near.xMax).toBe(180);
    expect(near.planned).toEqual({ step: 180, onAxis: true });
  });
  it('fits y to the finite losses with nice ends', () => {
    const m = buildChartModel(base);
    expect(m.y(2)).toBe(m.plot.bottom);
    expect(m.y(4.5)).toBe(m.plot.top);
    expect(m.yTicks[0].label).toBe('2.0');
  });
  it('uses log ticks on a log axis, enough to read a fall from 4.2 to 1.9, with even decimals', () => {
    const m = buildChartModel({ ...base, log: true });
    expect(m.yTicks.map((t) => t.label)).toEqual(['2.5', '3.0', '3.5', '4.0']);
    expect(m.y(3)).toBeGreaterThan(m.y(4));
    const fall = [4.2, 3.3, 2.6, 1.9].map((loss, i) => ({ ...steps[0], step: i + 1, loss }));
    const f = buildChartModel({ ...base, steps: fall, evals: [], log: true });
    expect(f.yTicks.map((t) => t.label)).toEqual(['2.0', '2.5', '3.0', '3.5', '4.0']);
  });
  it('clamps an outlier to the top edge and counts it, on either axis', () => {
    const run = [4.2, 4.0, 3.7, 3.5, 3.2, 6e18, 3.0, 2.9].map((loss, i) => ({ ...steps[0], step: i + 1, loss }));
    for (const log of [false, true]) {
      const m = buildChartModel({ ...base, steps: run, evals: [], log });
      expect(m.yTop).toBeLessThan(5);
      expect(m.yTop).toBeGreaterThanOrEqual(4.2);
      expect(m.above).toEqual({ count: 1, max: 6e18 });
    }
  });
  it('fits both axes to the compared runs too', () => {
    const other = { steps: [{ step: 1, loss: 4.4 }, { step: 900, loss: 0.6 }], evals: [{ step: 900, val: 0.7 }] };
    const m = buildChartModel({ ...base, others: [other] });
    expect(m.xMax).toBe(1000); // 900 steps and a tenth more, capped at the planned 1000
    expect(m.y(0.6)).toBeLessThanOrEqual(m.plot.bottom);
    expect(m.y(4.4)).toBeGreaterThanOrEqual(m.plot.top);
    expect(m.above.count).toBe(0);
  });
  it('widens the left margin for long tick labels', () => {
    const huge = steps.map((s) => ({ ...s, loss: s.loss * 1e117 }));
    const m = buildChartModel({ ...base, steps: huge, evals: [] });
    expect(m.yTicks.some((t) => t.label.length >= 6)).toBe(true);
    expect(m.plot.left).toBeGreaterThan(MARGIN.left);
    expect(buildChartModel({ ...base, labelWidth: () => 500 }).plot.left).toBe(200); // at most a third
  });
  it('extends x past the planned steps when a run went further', () => {
    const run = [{ ...steps[0], step: 40 }];
    const m = buildChartModel({ ...base, steps: run, maxSteps: 20 });
    expect(m.xMax).toBe(50);
    expect(m.planned).toEqual({ step: 20, onAxis: true });
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
    expect(lossExtent([{ steps, evals: [] }], false)).toEqual({ lo: 2.4, hi: 4.2, clipped: false });
    expect(lossExtent([{ steps: [{ ...steps[0], loss: 0 }], evals: [] }], true)).toBeNull();
  });
  it('spans every run, train and val', () => {
    const a = { steps: [{ step: 1, loss: 3 }], evals: [{ step: 1, val: 3.5 }] };
    const b = { steps: [{ step: 1, loss: 1.5 }], evals: [] };
    expect(lossExtent([a, b], false)).toEqual({ lo: 1.5, hi: 3.5, clipped: false });
  });
});

describe('lastStepOf and countAbove', () => {
  it('finds the last step of any run and counts finite points above a value', () => {
    const a = { steps: [{ step: 5, loss: 9 }, { step: 6, loss: NaN }], evals: [{ step: 8, val: 12 }] };
    const b = { steps: [{ step: 7, loss: Infinity }], evals: [] };
    expect(lastStepOf([a, b])).toBe(8);
    expect(lastStepOf([])).toBe(0);
    expect(countAbove([a, b], 5)).toEqual({ count: 2, max: 12 });
    expect(countAbove([a, b], 20)).toEqual({ count: 0, max: -Infinity });
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
